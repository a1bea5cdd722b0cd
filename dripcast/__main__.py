from dripcast.cli import main

main()
