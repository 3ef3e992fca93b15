# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# A throwaway root of the host, to install the .debs into at native speed
# (tests/system/): sourced, never run.
#
#   root_start DIR REL   the root at DIR/root: an overlay with the host's /
#                        read-only below and a tmpfs (DIR/rw/upper) above
#   root_chroot CMD...   run CMD chrooted into it (clean environment)
#   root_ns CMD...       run CMD in its mount namespace (host paths)
#   root_stop            tear everything down
#
# Everything lives in a private mount namespace held by one process
# (ROOT_PID, a bounded sleep): nothing is mounted in the host's namespace,
# and when that process ends, on any exit path, its mounts go with it.
# The host's / is the overlay's lower layer, never written.  In the root:
#   /proc, /dev         the host's (bound)
#   /run, /tmp          fresh tmpfs (no host daemon is reachable: no udev
#                       control socket, no systemd, so nothing is started)
#   /lib/modules        a tmpfs holding only REL, which is the kernel
#                       cache's lib/modules/REL bound there, as the guest's
#                       /init does (tests/vm/initramfs-init.sh), with the
#                       host's build and source links: DKMS builds for REL
#                       only and its writes land in the upper layer under
#                       var/cache/dsmil/kernels/REL/, where the guest's
#                       /init finds them
# The overlay runs with metacopy, redirect_dir, index and xino off, so the
# upper layer is plain files plus whiteouts (character devices 0/0) that
# any tar can carry (root_upper_plain checks it).

ROOT_DIR=${ROOT_DIR:-} ROOT_PID=${ROOT_PID:-} ROOT_REL=${ROOT_REL:-}

# root_ns CMD...: CMD in the root's mount namespace.
root_ns() {
	nsenter --target "$ROOT_PID" --mount -- "$@"
}

# root_chroot CMD...: CMD chrooted into the root, with a clean environment.
root_chroot() {
	root_ns chroot "$ROOT_DIR/root" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# root_path PATH: PATH as the root resolves it (symlinks such as the
# merged /lib -> usr/lib followed inside the root, never on the host).
root_path() {
	root_chroot realpath -m "$1"
}

# root_start DIR REL
root_start() {
	local dir=$1 rel=$2 r md cache build source
	ROOT_DIR=$dir ROOT_REL=$rel
	cache=$(kernel_root "$rel")/lib/modules/$rel
	[ -d "$cache/kernel" ] || { echo "root: no $cache: run 'make deps'" >&2; return 1; }
	mkdir -p "$dir/rw" "$dir/root"
	# The holder: a mount namespace of its own, nothing propagated back.
	unshare --mount --propagation private -- sleep 3600 </dev/null >/dev/null 2>&1 3>&- &
	ROOT_PID=$!
	# wait until it is in its own namespace
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(readlink "/proc/$ROOT_PID/ns/mnt")" = "$(readlink /proc/self/ns/mnt)" ] || break
		sleep 0.05
	done
	[ "$i" -lt 100 ] || { echo "root: no private mount namespace" >&2; return 1; }
	r=$dir/root
	# The upper layer on a tmpfs: overlayfs refuses an upper directory
	# on the file system of its lower layer (/).
	root_ns mount -t tmpfs -o mode=0755 dsmil-root "$dir/rw"
	root_ns mkdir -p "$dir/rw/upper" "$dir/rw/work"
	root_ns mount -t overlay \
		-o "lowerdir=/,upperdir=$dir/rw/upper,workdir=$dir/rw/work,metacopy=off,redirect_dir=off,index=off,xino=off" \
		dsmil-root "$r"
	root_ns mount --rbind /proc "$r/proc"
	root_ns mount --rbind /dev "$r/dev"
	root_ns mount -t tmpfs -o mode=0755 tmpfs "$r/run"
	root_ns mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
	# resolved inside the root: an absolute symlink on the way must not
	# lead a bind mount to the host's own directory
	md=$(root_path /lib/modules)
	cache=$(root_path "$cache")
	build=$(readlink "$md/$rel/build" || true)
	source=$(readlink "$md/$rel/source" || true)
	root_ns mount -t tmpfs -o mode=0755 tmpfs "$r$md"
	root_ns mkdir "$r$md/$rel"
	root_ns mount --bind "$r$cache" "$r$md/$rel"
	# shellcheck disable=SC2016 # expanded by that shell
	root_ns sh -c '[ -z "$2" ] || [ -L "$1/build" ] || ln -s "$2" "$1/build"
		[ -z "$3" ] || [ -L "$1/source" ] || ln -s "$3" "$1/source"' \
		sh "$r$md/$rel" "$build" "$source"
}

# root_stop: end the namespace (its mounts go with it), remove DIR.
root_stop() {
	if [ -n "$ROOT_PID" ]; then
		kill "$ROOT_PID" 2>/dev/null || true
		wait "$ROOT_PID" 2>/dev/null || true
		ROOT_PID=""
	fi
	if [ -n "$ROOT_DIR" ] && [ -d "$ROOT_DIR" ]; then
		# only empty mount points are left in the host's namespace
		rmdir "$ROOT_DIR/rw" "$ROOT_DIR/root" 2>/dev/null || true
	fi
}

# root_upper_plain: fail when the upper layer holds what a plain tar
# would lose: an overlay redirect or metacopy xattr, or an opaque
# directory hiding a directory of the lower layer (an opaque directory
# with nothing below is the same without the mark; origin and impure
# marks only serve inode numbers).
root_upper_plain() {
	root_ns python3 - "$ROOT_DIR/rw/upper" <<-'EOF'
		import os, sys
		top, bad = sys.argv[1], []
		for d, dirs, files in os.walk(top):
		    for n in [d] + [os.path.join(d, f) for f in files]:
		        for x in os.listxattr(n, follow_symlinks=False):
		            low = "/" + os.path.relpath(n, top)
		            if x in ("trusted.overlay.redirect", "trusted.overlay.metacopy") or \
		               (x == "trusted.overlay.opaque" and os.path.isdir(low)):
		                bad.append(f"{low}: {x}")
		print("\n".join(bad), file=sys.stderr, end="\n" if bad else "")
		sys.exit(1 if bad else 0)
	EOF
}

# root_pack TARBALL: the upper layer as a tar (numeric owners, whiteouts
# kept as the character devices they are).
root_pack() {
	root_upper_plain || { echo "root: the upper layer holds overlay xattrs" >&2; return 1; }
	root_ns tar -C "$ROOT_DIR/rw/upper" --numeric-owner -cf "$1" .
}
