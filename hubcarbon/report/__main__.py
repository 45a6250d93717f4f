from hubcarbon.report import main

main()
