/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Emulated Dell firmware for the dsmil tests: an SSDT that QEMU loads with
 * -acpitable file=ssdt.aml (see tests/firmware/README.md).
 *
 *  \_SB.DWMI  PNP0C14 (ACPI-WMI) device with two GUIDs:
 *     8D9DDCBC-A997-11DA-B012-B622A1EF5492  Dell WMI descriptor, data block
 *                                            WQAB: 128 bytes, "DELL WMI",
 *                                            version 1, buffer 4096, hotfix 1
 *     A80593CE-A997-11DA-B012-B622A1EF5492  Dell SMBIOS calling interface,
 *                                            method WMAA(instance, id, buf)
 *  \_TZ.DTZ0  ThermalZone (Linux: type "acpitz"), _TMP settable via WMAA.
 *
 * WMAA takes the 4096-byte calling-interface buffer (class u16 @0, select
 * u16 @2, input[0..3] u32 @4..@0x10, output[0..3] u32 @0x14..@0x20) and
 * returns the same buffer with output[] filled.  Status in output[0]:
 * 0 ok, -1 (0xFFFFFFFF) failure / unknown location, -2 unsupported call.
 *
 * Token store: 84 locations 0x0A00..0x0A53 (token 0x8000 + n at location
 * 0x0A00 + n, but for the exceptions of gen-smbios.sh) and location 0x0B75
 * (token 0x0175, outside the DSMIL range).  Initial value of location
 * 0x0A00 + n is 0xD5008000 + n (0xD5000000 | token, as the dsmil
 * simulator), of 0x0B75 0xD5000175.  The
 * store does not depend on the SMBIOS token table: a build that leaves a
 * token out of the table still keeps its location here.
 *
 *  class 0, select 0..2, input[0]=loc       read: output[1] = value,
 *                                           read counter of loc += 1
 *  class 1, select 0..2, input[0]=loc,      write: value = input[1],
 *           input[1]=value                  write counter of loc += 1
 *  class 0, select 0x5A, input[0]=loc       peek (test-only, never counted,
 *                                           never injected): output[1] =
 *                                           value, [2] = write count,
 *                                           [3] = read count
 *  class 1, select 0x5A, input[0]=loc,      poke: value = input[1], no count
 *           input[1]=value
 *
 * Control locations 0x0BF0..0x0BFF (any select; the test helper uses 0x5A
 * because mainline's /dev/wmi/dell-smbios filter only lets select 0..2
 * reach locations that are in the SMBIOS token table):
 *  0x0BF0 class 0: output[1] = 0x44534657 ("DSFW"), [2] = 84, [3] = 0x0A00
 *  0x0BFA class 1: dropped writes: the next input[1] token writes (0 =
 *                  disarm) on location input[2] (0 = any) answer ok and
 *                  count, but leave the value alone (a write the
 *                  firmware did not apply: read-back tests)
 *         class 0: output[1] = writes left, [2] = location
 *  0x0BFB class 1: slow-call mode: input[1] 0 = Sleep (default), 1 = spin
 *                  on Timer (busy, keeps the AML interpreter)
 *         class 0: output[1] = mode
 *  0x0BFC class 1: reset everything (values, counters, injections, mode,
 *                  temperature) to the boot state
 *         class 0: output[1] = token calls, [2] = writes, [3] = reads
 *                  (select 0..2 calls on token locations, since reset)
 *  0x0BFD class 1: temperature = input[1] (0.1 K; 3132 = 40.0 C) and
 *                  Notify(\_TZ.DTZ0, 0x80)
 *         class 0: output[1] = temperature
 *  0x0BFE class 1: error injection: the next input[1] token calls (0 =
 *                  disarm) on location input[2] (0 = any) return status
 *                  input[3] (0 = -1) in output[0], without touching the
 *                  value or the counters
 *         class 0: output[1] = calls left, [2] = location, [3] = status
 *  0x0BFF class 1: slow calls: the next input[3] (0 = 1) token calls on
 *                  location input[2] (0 = any) first wait input[1] ms
 *                  (capped at 20000; 0 = disarm), then complete normally
 *         class 0: output[1] = ms, [2] = location, [3] = calls left
 * The slow wait happens before the error check, so both can be combined.
 *
 * The slow location: every token write (class 1, select 0..2) to location
 * 0x0A50 (token 0x8050) first waits 150 ms, past the driver's default
 * smi_timeout_ms=100, then completes normally (an overrun the firmware
 * applied).  Reads of it are not slowed.
 */
DefinitionBlock ("", "SSDT", 2, "DSMIL", "DELLFW", 0x00000001)
{
    Scope (\_SB)
    {
        Device (DWMI)
        {
            Name (_HID, "PNP0C14")
            Name (_UID, "DSMIL")
            Method (_STA, 0, NotSerialized)
            {
                Return (0x0F)
            }

            /* 2 x 20 bytes: GUID (little-endian), object id, instances, flags */
            Name (_WDG, Buffer (40)
            {
                /* 8D9DDCBC-A997-11DA-B012-B622A1EF5492: descriptor, data "AB" */
                0xBC, 0xDC, 0x9D, 0x8D, 0x97, 0xA9, 0xDA, 0x11,
                0xB0, 0x12, 0xB6, 0x22, 0xA1, 0xEF, 0x54, 0x92,
                0x41, 0x42, 0x01, 0x00,
                /* A80593CE-A997-11DA-B012-B622A1EF5492: SMBIOS, method "AA" */
                0xCE, 0x93, 0x05, 0xA8, 0x97, 0xA9, 0xDA, 0x11,
                0xB0, 0x12, 0xB6, 0x22, 0xA1, 0xEF, 0x54, 0x92,
                0x41, 0x41, 0x01, 0x02
            })

            /* "DELL", " WMI", version 1, buffer size 4096, hotfix 1 */
            Name (DESC, Buffer (128)
            {
                0x44, 0x45, 0x4C, 0x4C, 0x20, 0x57, 0x4D, 0x49,
                0x01, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
                0x01, 0x00, 0x00, 0x00
            })

            Method (WQAB, 1, NotSerialized)
            {
                Return (DESC)
            }

            Name (NTOK, 84)         /* tokens in the store */
            Name (LBAS, 0x0A00)     /* location of token 0x8000 */
            Name (NSLT, 85)         /* store slots: the 84 and 0x0B75 */
            Name (XLOC, 0x0B75)     /* location of token 0x0175, slot 84 */
            Name (TVAL, Package (85) {})    /* live values */
            Name (TWRC, Package (85) {})    /* per-location write counters */
            Name (TRDC, Package (85) {})    /* per-location read counters */
            Name (INIT, 0)
            Name (NCAL, 0)          /* token calls since reset */
            Name (NWRI, 0)          /* token writes since reset */
            Name (NRED, 0)          /* token reads since reset */
            Name (ERRN, 0)          /* error injection: calls left */
            Name (ERRL, 0)          /*   on this location, 0 = any */
            Name (ERRS, 0xFFFFFFFF) /*   status returned */
            Name (SLMS, 0)          /* slow call: ms */
            Name (SLLO, 0)          /*   on this location, 0 = any */
            Name (SLNN, 0)          /*   calls left */
            Name (SLMD, 0)          /*   0 = Sleep, 1 = spin */
            Name (TMPK, 3132)       /* thermal zone temperature, 0.1 K */
            Name (DRPN, 0)          /* dropped writes: writes left */
            Name (DRPL, 0)          /*   on this location, 0 = any */
            Name (SLWL, 0x0A50)     /* the slow location: every token */
            Name (SLWM, 150)        /*   write to it takes this many ms */

            /* Fill the store at boot, so the first call is not slower. */
            Method (_INI, 0, NotSerialized)
            {
                If (!INIT)
                {
                    FWRS ()
                }
            }

            /* Back to the boot state. */
            Method (FWRS, 0, Serialized)
            {
                Local0 = 0
                While (Local0 < NSLT)
                {
                    TVAL [Local0] = (0xD5008000 + Local0)
                    TWRC [Local0] = 0
                    TRDC [Local0] = 0
                    Local0++
                }

                TVAL [NTOK] = 0xD5000175

                NCAL = 0
                NWRI = 0
                NRED = 0
                ERRN = 0
                ERRL = 0
                ERRS = 0xFFFFFFFF
                SLMS = 0
                SLLO = 0
                SLNN = 0
                SLMD = 0
                TMPK = 3132
                DRPN = 0
                DRPL = 0
                INIT = 1
            }

            /* Wait Arg0 ms, by Sleep or by spinning on Timer (100 ns). */
            Method (FWSL, 1, Serialized)
            {
                If (SLMD)
                {
                    Local0 = (Timer + (Arg0 * 10000))
                    While (Timer < Local0)
                    {
                        Stall (50)
                    }
                }
                Else
                {
                    Local0 = Arg0
                    While (Local0 > 0)
                    {
                        /* ACPICA caps one Sleep; keep each one short. */
                        If (Local0 > 1000)
                        {
                            Local1 = 1000
                        }
                        Else
                        {
                            Local1 = Local0
                        }

                        Sleep (Local1)
                        Local0 -= Local1
                    }
                }
            }

            /* Dell SMBIOS calling interface: Arg2 = 4096-byte buffer. */
            Method (WMAA, 3, Serialized)
            {
                If (!INIT)
                {
                    FWRS ()
                }

                If ((ObjectType (Arg2) != 3) || (SizeOf (Arg2) < 0x24))
                {
                    Return (Arg2)
                }

                CreateWordField (Arg2, 0x00, CCLS)
                CreateWordField (Arg2, 0x02, CSEL)
                CreateDWordField (Arg2, 0x04, IN0)
                CreateDWordField (Arg2, 0x08, IN1)
                CreateDWordField (Arg2, 0x0C, IN2)
                CreateDWordField (Arg2, 0x10, IN3)
                CreateDWordField (Arg2, 0x14, OUT0)
                CreateDWordField (Arg2, 0x18, OUT1)
                CreateDWordField (Arg2, 0x1C, OUT2)
                CreateDWordField (Arg2, 0x20, OUT3)

                Local0 = CCLS
                Local1 = CSEL
                Local2 = IN0
                Local3 = IN1
                OUT0 = 0
                OUT1 = 0
                OUT2 = 0
                OUT3 = 0

                /* Index into the store, or Ones for a location outside it. */
                Local4 = Ones
                If ((Local2 >= LBAS) && (Local2 < (LBAS + NTOK)))
                {
                    Local4 = (Local2 - LBAS)
                }
                ElseIf (Local2 == XLOC)
                {
                    Local4 = NTOK
                }

                If (Local0 > 1)
                {
                    OUT0 = 0xFFFFFFFE
                }
                ElseIf ((Local2 >= 0x0BF0) && (Local2 <= 0x0BFF))
                {
                    /* Control and statistics locations. */
                    If (Local0 == 1)
                    {
                        If (Local2 == 0x0BFA)
                        {
                            DRPN = Local3
                            DRPL = IN2
                        }
                        ElseIf (Local2 == 0x0BFB)
                        {
                            If (Local3)
                            {
                                SLMD = 1
                            }
                            Else
                            {
                                SLMD = 0
                            }
                        }
                        ElseIf (Local2 == 0x0BFC)
                        {
                            FWRS ()
                            Notify (\_TZ.DTZ0, 0x80)
                        }
                        ElseIf (Local2 == 0x0BFD)
                        {
                            TMPK = Local3
                            Notify (\_TZ.DTZ0, 0x80)
                        }
                        ElseIf (Local2 == 0x0BFE)
                        {
                            ERRN = Local3
                            ERRL = IN2
                            If (IN3)
                            {
                                ERRS = IN3
                            }
                            Else
                            {
                                ERRS = 0xFFFFFFFF
                            }
                        }
                        ElseIf (Local2 == 0x0BFF)
                        {
                            If (Local3 > 20000)
                            {
                                Local3 = 20000
                            }

                            SLMS = Local3
                            SLLO = IN2
                            If (IN3)
                            {
                                SLNN = IN3
                            }
                            Else
                            {
                                SLNN = 1
                            }

                            If (!Local3)
                            {
                                SLNN = 0
                            }
                        }
                        Else
                        {
                            OUT0 = 0xFFFFFFFF
                        }
                    }
                    ElseIf (Local2 == 0x0BF0)
                    {
                        OUT1 = 0x44534657
                        OUT2 = NTOK
                        OUT3 = LBAS
                    }
                    ElseIf (Local2 == 0x0BFA)
                    {
                        OUT1 = DRPN
                        OUT2 = DRPL
                    }
                    ElseIf (Local2 == 0x0BFB)
                    {
                        OUT1 = SLMD
                    }
                    ElseIf (Local2 == 0x0BFC)
                    {
                        OUT1 = NCAL
                        OUT2 = NWRI
                        OUT3 = NRED
                    }
                    ElseIf (Local2 == 0x0BFD)
                    {
                        OUT1 = TMPK
                    }
                    ElseIf (Local2 == 0x0BFE)
                    {
                        OUT1 = ERRN
                        OUT2 = ERRL
                        OUT3 = ERRS
                    }
                    ElseIf (Local2 == 0x0BFF)
                    {
                        OUT1 = SLMS
                        OUT2 = SLLO
                        OUT3 = SLNN
                    }
                    Else
                    {
                        OUT0 = 0xFFFFFFFF
                    }
                }
                ElseIf (Local1 == 0x5A)
                {
                    /* Test-only peek/poke: no counters, no injection. */
                    If (Local4 == Ones)
                    {
                        OUT0 = 0xFFFFFFFF
                    }
                    ElseIf (Local0 == 0)
                    {
                        OUT1 = DerefOf (TVAL [Local4])
                        OUT2 = DerefOf (TWRC [Local4])
                        OUT3 = DerefOf (TRDC [Local4])
                    }
                    Else
                    {
                        TVAL [Local4] = Local3
                    }
                }
                ElseIf (Local1 < 3)
                {
                    /* Token read (class 0) / write (class 1). */
                    NCAL++
                    If (SLNN && (!SLLO || (SLLO == Local2)))
                    {
                        SLNN--
                        FWSL (SLMS)
                    }

                    If ((Local0 == 1) && (Local2 == SLWL))
                    {
                        FWSL (SLWM)
                    }

                    If (ERRN && (!ERRL || (ERRL == Local2)))
                    {
                        ERRN--
                        OUT0 = ERRS
                    }
                    ElseIf (Local4 == Ones)
                    {
                        OUT0 = 0xFFFFFFFF
                    }
                    ElseIf (Local0 == 0)
                    {
                        OUT1 = DerefOf (TVAL [Local4])
                        TRDC [Local4] = (DerefOf (TRDC [Local4]) + 1)
                        NRED++
                    }
                    Else
                    {
                        If (DRPN && (!DRPL || (DRPL == Local2)))
                        {
                            DRPN--
                        }
                        Else
                        {
                            TVAL [Local4] = Local3
                        }

                        TWRC [Local4] = (DerefOf (TWRC [Local4]) + 1)
                        NWRI++
                    }
                }
                Else
                {
                    OUT0 = 0xFFFFFFFE
                }

                /* The kernel copies the result back without a length check. */
                If (SizeOf (Arg2) > 4096)
                {
                    Return (Mid (Arg2, 0, 4096))
                }

                Return (Arg2)
            }
        }
    }

    Scope (\_TZ)
    {
        ThermalZone (DTZ0)
        {
            Method (_TMP, 0, NotSerialized)
            {
                Return (\_SB.DWMI.TMPK)
            }

            /*
             * One valid trip point, or Linux 6.1 ignores the zone.  _HOT,
             * not _CRT: crossing a critical trip powers the guest off,
             * crossing a hot one only sends an event.  150 C: Linux 6.12
             * drops trip values above 4480 (174.8 C).
             */
            Method (_HOT, 0, NotSerialized)
            {
                Return (4232)
            }
        }
    }
}
