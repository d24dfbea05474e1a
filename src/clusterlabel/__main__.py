from clusterlabel.cli import main

main()
