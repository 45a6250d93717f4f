from hubcarbon.labels import main

main()
