# SPDX-License-Identifier: GPL-2.0-or-later
# arch-sdboot-efivar: arch-sdboot-default after `bootctl set-default
# linux-zen.conf`: the EFI variable LoaderEntryDefault (4 bytes of
# attributes, then UTF-16LE with its NUL) overrides loader.conf's default.
# The LTS kernel runs now (LoaderEntrySelected).

based_on arch-sdboot-default

# efivar_loader NAME STRING: systemd-boot's EFI variable NAME holding STRING.
efivar_loader() {
	local hex=07000000 c i
	for ((i = 0; i < ${#2}; i++)); do
		printf -v c '%02x00' "'${2:i:1}"
		hex+=$c
	done
	_mk_rec B "sys/firmware/efi/efivars/$1-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f" "${hex}0000"
}
efivar_loader LoaderEntryDefault linux-zen.conf
efivar_loader LoaderEntrySelected arch-lts.conf
