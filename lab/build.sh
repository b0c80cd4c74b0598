#!/usr/bin/env bash
# Builds (or finds in the cache) the lab's base image: a Debian bookworm kernel that has
# IPVS as modules plus a small root FS made by debootstrap, packed as an lz4 initramfs.
#
#   bash lab/build.sh            -> prints the image directory (builds it if needed)
#
# Everything big lives OUTSIDE the repo, in $LVS_LAB_CACHE (default /var/cache/vscode-lvs-lab):
#   debootstrap/    .deb cache of debootstrap (--cache-dir)
#   apt/            a private apt state used only to download the kernel .deb
#   debs/           downloaded kernel .debs
#   images/HASH/    vmlinuz, rootfs.cpio.lz4, kernel-version  (HASH = hash of this file,
#                   guest-packages.txt, suite and mirror: change one and the image is rebuilt)
# The guest scripts (lab/guest/*) are NOT part of the base image: lab.sh packs them with the
# keys into a small second cpio at every `up`, so editing them needs no rebuild.
#
# The only network traffic is debootstrap / apt-get talking to the Debian mirror.
set -euo pipefail

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${LVS_LAB_CACHE:-/var/cache/vscode-lvs-lab}"
SUITE="${LVS_LAB_SUITE:-bookworm}"
KERNEL_META="${LVS_LAB_KERNEL:-linux-image-cloud-amd64}"

log() { printf '[lab build] %s\n' "$*" >&2; }
die() { printf '[lab build] error: %s\n' "$*" >&2; exit 1; }

# The Debian mirror: $LVS_LAB_MIRROR, else the first ".../debian" URI configured for apt.
detect_mirror() {
  if [[ -n "${LVS_LAB_MIRROR:-}" ]]; then echo "$LVS_LAB_MIRROR"; return; fi
  local m
  m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
      | grep -v '^\s*#' | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n1 | tr -d ' ' || true)
  echo "${m:-http://deb.debian.org/debian}"
}
detect_security_mirror() {
  if [[ -n "${LVS_LAB_SECURITY_MIRROR:-}" ]]; then echo "$LVS_LAB_SECURITY_MIRROR"; return; fi
  local m
  m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
      | grep -v '^\s*#' | grep -oE 'https?://[^ ]+/debian-security/?( |$)' | head -n1 | tr -d ' ' || true)
  echo "${m:-http://deb.debian.org/debian-security}"
}

MIRROR="$(detect_mirror)"
SEC_MIRROR="$(detect_security_mirror)"
PACKAGES="$(grep -vE '^\s*(#|$)' "$LAB_DIR/guest-packages.txt" | tr '\n' ',' | sed 's/,$//')"

image_hash() {
  { cat "$LAB_DIR/build.sh" "$LAB_DIR/guest-packages.txt"; echo "$SUITE $MIRROR $SEC_MIRROR $KERNEL_META"; } \
    | sha256sum | cut -c1-16
}

HASH="$(image_hash)"
IMG="$CACHE/images/$HASH"

if [[ -f "$IMG/done" ]]; then echo "$IMG"; exit 0; fi

[[ $EUID -eq 0 ]] || die "building the lab image needs root (debootstrap)"
missing=()
for t in debootstrap cpio lz4 apt-get dpkg-deb depmod; do command -v "$t" >/dev/null || missing+=("$t"); done
if ((${#missing[@]})); then
  die "missing tools: ${missing[*]} -- install with: apt-get install -y $(grep -vE '^\s*(#|$)' "$LAB_DIR/apt-packages.txt" | tr '\n' ' ')"
fi

mkdir -p "$CACHE/images" "$CACHE/debootstrap" "$CACHE/debs"
exec 9>"$CACHE/build.lock"
flock 9
if [[ -f "$IMG/done" ]]; then echo "$IMG"; exit 0; fi   # built by a concurrent process

T0=$(date +%s)
WORK="$CACHE/tmp-build-$$"
rm -rf "$WORK"; mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/rootfs"

# --- kernel: resolve linux-image-cloud-amd64 to the real package with a private apt state
APTD="$CACHE/apt"
mkdir -p "$APTD/lists/partial" "$APTD/cache/archives/partial"
: > "$APTD/status"
cat > "$APTD/sources.list" <<EOF
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $SEC_MIRROR $SUITE-security main
EOF
APT_OPTS=(-o "Dir::Etc::SourceList=$APTD/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
          -o "Dir::State::Lists=$APTD/lists" -o "Dir::State::status=$APTD/status"
          -o "Dir::Cache=$APTD/cache" -o "APT::Architecture=amd64" -o "APT::Architectures::=amd64"
          -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root" -q)
log "resolving $KERNEL_META (mirror $MIRROR)"
apt-get "${APT_OPTS[@]}" update >"$WORK/apt-update.log" 2>&1 || { cat "$WORK/apt-update.log" >&2; die "apt-get update (private lab state) failed"; }
KPKG=$(apt-cache "${APT_OPTS[@]}" depends "$KERNEL_META" | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[[ -n "$KPKG" ]] || die "cannot resolve $KERNEL_META to a kernel package"
KDEB=$(ls "$CACHE/debs/${KPKG}_"*.deb 2>/dev/null | head -n1 || true)
if [[ -z "$KDEB" ]]; then
  log "downloading $KPKG"
  (cd "$CACHE/debs" && apt-get "${APT_OPTS[@]}" download "$KPKG" >&2)
  KDEB=$(ls "$CACHE/debs/${KPKG}_"*.deb | head -n1)
fi
KVER="${KPKG#linux-image-}"

# --- root FS
log "debootstrap --variant=minbase $SUITE (+ $PACKAGES)"
debootstrap --variant=minbase --include="$PACKAGES" --cache-dir="$CACHE/debootstrap" \
  "$SUITE" "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
  || { tail -n 40 "$WORK/debootstrap.log" >&2; die "debootstrap failed (log tail above)"; }

log "installing kernel $KVER"
mkdir -p "$WORK/kernel"
dpkg-deb -x "$KDEB" "$WORK/kernel"
cp "$WORK/kernel/boot/vmlinuz-$KVER" "$WORK/vmlinuz"
mkdir -p "$ROOT/usr/lib/modules"
# Keep only the module trees a network lab needs (the full tree is ~4x bigger and slows the boot).
KMOD_SRC="$WORK/kernel/lib/modules/$KVER"
KMOD_DST="$ROOT/usr/lib/modules/$KVER"
mkdir -p "$KMOD_DST/kernel"
cp -a "$KMOD_SRC"/modules.builtin* "$KMOD_SRC"/modules.order "$KMOD_DST/" 2>/dev/null || true
for d in net drivers/net drivers/virtio lib crypto fs/overlayfs; do
  if [[ -d "$KMOD_SRC/kernel/$d" ]]; then
    mkdir -p "$KMOD_DST/kernel/$(dirname "$d")"
    cp -a "$KMOD_SRC/kernel/$d" "$KMOD_DST/kernel/$d"
  fi
done
# ...minus what a routed/bridged IPv4+IPv6 lab never loads.
for d in drivers/net/ethernet drivers/net/wireless drivers/net/wwan drivers/net/usb drivers/net/can \
         drivers/net/hyperv drivers/net/xen-netback drivers/net/ipa drivers/net/ieee802154 \
         net/sunrpc net/ceph net/tipc net/smc net/rds net/rxrpc net/wireless net/mac80211 net/bluetooth \
         net/9p net/openvswitch net/ieee802154 net/mac802154 net/nfc net/batman-adv net/mptcp net/l2tp \
         net/dsa lib/zstd lib/raid6 crypto/async_tx; do
  rm -rf "${KMOD_DST:?}/kernel/$d"
done
depmod -b "$ROOT" "$KVER"
ls "$KMOD_DST/kernel/net/netfilter/ipvs/" | grep -q '^ip_vs\.ko' || die "kernel $KVER has no ip_vs module"

log "trimming root FS"
rm -rf "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* \
       "$ROOT"/usr/share/locale/* "$ROOT"/usr/share/lintian "$ROOT"/var/cache/apt/* \
       "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/log/* "$ROOT"/etc/ssh/ssh_host_* \
       "$ROOT"/usr/share/zoneinfo/[a-zA-Z]*/ "$ROOT"/var/cache/debconf/*-old "$ROOT"/boot/* \
       "$ROOT"/usr/lib/x86_64-linux-gnu/gconv "$ROOT"/usr/share/bash-completion "$ROOT"/usr/share/common-licenses
echo "lab" > "$ROOT/etc/hostname"

log "packing initramfs"
(cd "$ROOT" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | lz4 -l -q -c > "$WORK/rootfs.cpio.lz4"

mkdir -p "$WORK/out"
mv "$WORK/vmlinuz" "$WORK/rootfs.cpio.lz4" "$WORK/out/"
echo "$KVER" > "$WORK/out/kernel-version"
{ echo "suite=$SUITE"; echo "mirror=$MIRROR"; echo "kernel=$KPKG"; echo "packages=$PACKAGES";
  echo "rootfs_bytes=$(du -sb "$ROOT" | cut -f1)"; echo "built=$(date -u +%FT%TZ)"; echo "build_seconds=$(( $(date +%s) - T0 ))"; } > "$WORK/out/manifest"
touch "$WORK/out/done"
rm -rf "$IMG"
mv "$WORK/out" "$IMG"
# Drop images of older build inputs (keep the .deb caches).
for d in "$CACHE"/images/*/; do [[ "$d" == "$IMG/" ]] || rm -rf "$d"; done
log "image ready in $(( $(date +%s) - T0 ))s: $IMG"
echo "$IMG"
