from klastroviny.cli import main

main()
