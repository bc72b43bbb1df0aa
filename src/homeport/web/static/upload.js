// Knowledge base uploads: files and folders dropped on the zone (folders walked with the
// File System entries API) or chosen with the pickers, sent as one multipart upload per drop to
// the same handler as POST /v1/knowledge/{kb}/documents. Each accepted upload becomes an
// ingestion job whose progress bar htmx refreshes until it is done.
"use strict";

(function () {
  const zone = document.getElementById("dropzone");
  if (!zone) return;
  const kb = zone.dataset.kb;
  const extensions = new Set(zone.dataset.extensions.split(","));
  const maxBytes = Number(zone.dataset.maxMb) * 1024 * 1024;
  const status = document.getElementById("upload-status");
  const csrf = document.body.dataset.csrf;

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "muted";
  }

  function extension(name) {
    const dot = name.lastIndexOf(".");
    return dot < 0 ? "" : name.slice(dot).toLowerCase();
  }

  // Every file under a dropped entry, with its path inside the dropped folder.
  async function walk(entry, prefix, out) {
    if (entry.isFile) {
      const file = await new Promise((ok, fail) => entry.file(ok, fail));
      out.push({ file, name: prefix + file.name });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) { // readEntries answers in batches until an empty one
        const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
        if (!batch.length) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`, out);
      }
    }
  }

  async function upload(items) {
    const accepted = items.filter((i) => extensions.has(extension(i.name)) && i.file.size <= maxBytes);
    const skipped = items.length - accepted.length;
    if (!accepted.length) {
      say(items.length ? `None of the ${items.length} files can be ingested (supported: ` +
        `${[...extensions].join(", ")}; up to ${zone.dataset.maxMb} MB each).`
        : "Nothing to upload.", true);
      return;
    }
    say(`Uploading ${accepted.length} file${accepted.length === 1 ? "" : "s"}` +
        (skipped ? ` (${skipped} skipped: unsupported type or too large)` : "") + "…");
    try {
      for (const batch of batches(accepted)) {
        const body = new FormData();
        for (const i of batch) body.append("file", i.file, i.name);
        const response = await fetch(`/knowledge/${encodeURIComponent(kb)}/upload`, {
          method: "POST", headers: { "x-csrf-token": csrf }, body,
        });
        const answer = await response.json().catch(() => null);
        if (!response.ok) {
          throw new Error(answer && answer.error ? answer.error.message
            : `The upload failed (${response.status}). Try again.`);
        }
        addJob(answer.job_id);
      }
      say(`Uploaded ${accepted.length} file${accepted.length === 1 ? "" : "s"}` +
          (skipped ? `, ${skipped} skipped` : "") + ". Ingesting…");
    } catch (err) {
      say(err.message, true);
    }
  }

  // One upload request carries at most max_upload_mb and 1,000 files (the server's limits per
  // request): big folders go up in several, each its own ingestion job.
  function batches(items) {
    const out = [];
    let batch = [], size = 0;
    for (const i of items) {
      if (batch.length && (size + i.file.size > maxBytes || batch.length >= 1000)) {
        out.push(batch);
        batch = [];
        size = 0;
      }
      batch.push(i);
      size += i.file.size;
    }
    if (batch.length) out.push(batch);
    return out;
  }

  function addJob(id) {
    const jobs = document.getElementById("jobs");
    const empty = jobs.querySelector(".empty");
    if (empty) empty.remove();
    const div = document.createElement("div");
    div.id = `job-${id}`;
    div.className = "job";
    div.setAttribute("hx-get", `/knowledge/${encodeURIComponent(kb)}/jobs/${id}`);
    div.setAttribute("hx-trigger", "load");
    div.setAttribute("hx-swap", "outerHTML");
    div.textContent = "Queued…";
    jobs.prepend(div);
    htmx.process(div);
  }

  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", async (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const entries = [...e.dataTransfer.items]
      .map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry()).filter(Boolean);
    const items = [];
    if (entries.length) {
      for (const entry of entries) await walk(entry, "", items);
    } else {
      for (const file of e.dataTransfer.files) items.push({ file, name: file.name });
    }
    upload(items);
  });

  for (const id of ["pick-files", "pick-folder"]) {
    const input = document.getElementById(id);
    input.addEventListener("change", () => {
      const items = [...input.files].map((file) => ({
        file, name: file.webkitRelativePath || file.name,
      }));
      input.value = "";
      upload(items);
    });
  }
})();
