#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every command block of chapter-notes/ marked `sh guest` runs, chapter by
# chapter in order, in one bash -e session per chapter, from the folder
# where ramdisk.ko was built (as a reader who ran `make` would be). A
# chapter whose commands no longer work fails. Each chapter's output is
# kept in results/.../notes/ for refreshing the notes' output excerpts.
. "$(dirname "$0")/lib.sh"

# blocks FILE: the chapter's `sh guest` blocks, concatenated.
blocks() {
	awk '/^```sh guest$/ {on=1; next} /^```/ {on=0} on' "$1"
}

run_chapter() {
	local md=$CHAPTER out
	out=${RDTEST_RESULTS:-/tmp}/notes/$(basename "$md" .md).txt
	mkdir -p "$(dirname "$out")"
	blocks "$md" >/tmp/chapter.sh
	[ -s /tmp/chapter.sh ] || return 0
	(cd "$(dirname "$KO")" && PROJECT=$top bash -e -x /tmp/chapter.sh) \
		>"$out" 2>&1 || fail "commands failed: $(tail -n 8 "$out")" ||
		{ umount /mnt/ramdisk 2>/dev/null; return 1; }
	umount /mnt/ramdisk 2>/dev/null
	return 0
}

for CHAPTER in "$top"/chapter-notes/[0-9]*.md; do
	run_case "chapter-notes/$(basename "$CHAPTER"): guest commands run" run_chapter
done
