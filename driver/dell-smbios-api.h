/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsmil - the part of mainline dell-smbios that dsmil calls.
 *
 * drivers/platform/x86/dell/dell-smbios.h is private to the kernel tree
 * and not shipped in headers packages; these declarations must match it.
 * The call buffer and class/select numbers are uapi (linux/wmi.h).
 */
#ifndef _DSMIL_DELL_SMBIOS_API_H
#define _DSMIL_DELL_SMBIOS_API_H

#include <linux/types.h>
#include <uapi/linux/wmi.h>

/* One entry of the firmware's token table (SMBIOS type 0xDA). */
struct calling_interface_token {
	u16 tokenID;
	u16 location;
	union {
		u16 value;
		u16 stringlength;
	};
};

int dell_smbios_call(struct calling_interface_buffer *buffer);
struct calling_interface_token *dell_smbios_find_token(int tokenid);

#endif /* _DSMIL_DELL_SMBIOS_API_H */
