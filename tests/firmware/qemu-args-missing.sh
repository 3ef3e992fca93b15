#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The QEMU arguments of qemu-args.sh for a token table without 0x8005, on
# a Dell machine outside dsmil-84dev's device table (DMI product name
# "Latitude 5430", no "Rugged"), for suites that name this script in a
# "# dsmil-guest-qemu:" line (which takes no arguments):
# tests/kernel/smbios-absent.bats.
exec bash "$(dirname "${BASH_SOURCE[0]}")/qemu-args.sh" --missing 0x8005 --product "Latitude 5430"
