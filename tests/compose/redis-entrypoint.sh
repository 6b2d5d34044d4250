#!/bin/sh
# As the official image: `redis-server` without a config file listens for the network.
set -e
if [ "$1" = "redis-server" ]; then
    case "$2" in
        *.conf) ;;
        *) shift; set -- redis-server --protected-mode no "$@" ;;
    esac
fi
exec "$@"
