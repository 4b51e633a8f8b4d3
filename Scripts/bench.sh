#!/bin/sh
echo "bench: no figures yet"
