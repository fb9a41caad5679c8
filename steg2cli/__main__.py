from steg2cli.cli import main

main()
