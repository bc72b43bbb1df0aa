from homeport.cli.main import main

main()
