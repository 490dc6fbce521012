#!/usr/bin/env bash
# Packaging and installation (tests/packaging/run): make install with
# DESTDIR and PREFIX against a manifest, programs outside the tree built
# through pkg-config and find_package, DKMS against the 6.1 headers, the
# Debian packages and lintian, then each way of installing used in a VM.
. "$RSM_TOP/tools/testlib.sh"
exec "$RSM_TOP/tests/packaging/run"
