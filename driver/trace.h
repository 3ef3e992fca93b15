/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsmil - tracepoints: firmware token calls, state changes, thermal trips.
 * Enable with: echo 1 > /sys/kernel/tracing/events/dsmil/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM dsmil

#if !defined(_DSMIL_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _DSMIL_TRACE_H

#include <linux/tracepoint.h>

#include "dsmil.h"

#define dsmil_show_state(s)						\
	__print_symbolic(s,						\
			 { DSMIL_STATE_ABSENT,		"absent" },	\
			 { DSMIL_STATE_READY,		"ready" },	\
			 { DSMIL_STATE_ACTIVE,		"active" },	\
			 { DSMIL_STATE_ERROR,		"error" },	\
			 { DSMIL_STATE_QUARANTINED,	"quarantined" },\
			 { DSMIL_STATE_EMERGENCY,	"emergency" })

#define dsmil_show_reason(r)						\
	__print_symbolic(r,						\
			 { DSMIL_REASON_REQUEST,	"request" },	\
			 { DSMIL_REASON_FW_ERROR,	"fw_error" },	\
			 { DSMIL_REASON_THERMAL_TRIP,	"thermal_trip" },\
			 { DSMIL_REASON_THERMAL_CLEAR,	"thermal_clear" },\
			 { DSMIL_REASON_EMERGENCY_STOP,	"emergency_stop" },\
			 { DSMIL_REASON_EMERGENCY_CLEAR, "emergency_clear" },\
			 { DSMIL_REASON_RESUME,		"resume" },\
			 { DSMIL_REASON_READBACK,	"readback" })

DECLARE_EVENT_CLASS(dsmil_token_call,
	TP_PROTO(const struct dsmil_device *d, u32 value, int result),
	TP_ARGS(d, value, result),
	TP_STRUCT__entry(
		__field(int, instance)
		__field(u16, token)
		__field(u32, value)
		__field(int, result)
	),
	TP_fast_assign(
		__entry->instance = d->inst->id;
		__entry->token = d->token;
		__entry->value = value;
		__entry->result = result;
	),
	TP_printk("dsmil%d:%04x value=0x%08x result=%d", __entry->instance,
		  __entry->token, __entry->value, __entry->result)
);

DEFINE_EVENT(dsmil_token_call, dsmil_token_read,
	TP_PROTO(const struct dsmil_device *d, u32 value, int result),
	TP_ARGS(d, value, result)
);

DEFINE_EVENT(dsmil_token_call, dsmil_token_write,
	TP_PROTO(const struct dsmil_device *d, u32 value, int result),
	TP_ARGS(d, value, result)
);

TRACE_EVENT(dsmil_state_change,
	TP_PROTO(const struct dsmil_device *d, enum dsmil_state old,
		 enum dsmil_state new, enum dsmil_reason reason),
	TP_ARGS(d, old, new, reason),
	TP_STRUCT__entry(
		__field(int, instance)
		__field(u16, token)
		__field(int, old)
		__field(int, new)
		__field(int, reason)
	),
	TP_fast_assign(
		__entry->instance = d->inst->id;
		__entry->token = d->token;
		__entry->old = old;
		__entry->new = new;
		__entry->reason = reason;
	),
	TP_printk("dsmil%d:%04x %s -> %s reason=%s", __entry->instance,
		  __entry->token, dsmil_show_state(__entry->old),
		  dsmil_show_state(__entry->new),
		  dsmil_show_reason(__entry->reason))
);

TRACE_EVENT(dsmil_thermal_trip,
	TP_PROTO(const struct dsmil_instance *inst, unsigned int group,
		 int temp, int limit),
	TP_ARGS(inst, group, temp, limit),
	TP_STRUCT__entry(
		__field(int, instance)
		__field(unsigned int, group)
		__field(int, temp)
		__field(int, limit)
	),
	TP_fast_assign(
		__entry->instance = inst->id;
		__entry->group = group;
		__entry->temp = temp;
		__entry->limit = limit;
	),
	TP_printk("dsmil%d:g%u temp=%d limit=%d", __entry->instance,
		  __entry->group, __entry->temp, __entry->limit)
);

#endif /* _DSMIL_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
