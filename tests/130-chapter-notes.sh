#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every command block of chapter-notes/ marked `sh guest` runs, chapter by
# chapter in order, in one bash -e session per chapter, from the folder
# where ramdisk.ko was built (as a reader who ran `make` would be). A
# chapter whose commands no longer work fails. Each chapter's output is
# kept in results/.../notes/ for refreshing the notes' output excerpts.
# shellcheck source=tests/lib.sh
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
	# A chapter that stops halfway may leave /dev/ramdisk mounted:
	# run_case's cleanup unmounts it.
	(cd "$(dirname "$KO")" && PROJECT=$top bash -e -x /tmp/chapter.sh) \
		>"$out" 2>&1 || fail "commands failed: $(tail -n 8 "$out")"
}

for CHAPTER in "$top"/chapter-notes/[0-9]*.md; do
	run_case "chapter-notes/$(basename "$CHAPTER"): guest commands run" run_chapter
done
