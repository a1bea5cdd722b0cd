from dripcast.cli.root import main

main()
