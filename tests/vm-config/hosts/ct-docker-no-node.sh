# A Docker container started without --device: no /dev/dri at all.
based_on ct-docker
remove dev/dri
