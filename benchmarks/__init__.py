"""The load and build benchmarks (`make bench-load`, `make bench-build`): developer tools beside
the product packages, which import nothing of them. They drive the real loader and build in child
processes against the local Hub imitation (`hub_replay`), and print figures; they assert nothing.
"""
