#!/usr/bin/env python3
"""Packet-level link emulator between two TUN devices, for `bench net`'s loss comparison (the kernel has no netem).

usage: tun-link.py TUN_A TUN_B DELAY_MS LOSS SEED

Creates TUN_A and TUN_B (IFF_TUN, no packet info), prints "ready" and then moves every IP packet read from one to the
other, dropping each with probability LOSS and delivering the rest DELAY_MS later, in order, in both directions; the
draws come from a generator seeded with SEED. TCP and QUIC alike see real loss and delay. The caller moves the
devices into network namespaces and gives them addresses. Ends when stdin closes; the devices go with it, and the
exit line on stderr says how late (beyond DELAY_MS) the relay wrote packets: its own delay, which should stay near 0.
With STRATUM_TUN_LOG=FILE set it also writes one line per packet delivered: destination fd, arrival and departure
(wall clock, s), lateness (ms), length, IP protocol byte, time the write took (ms).
Standard library only (ioctl through fcntl), so that it needs nothing installed beyond python3.
"""
import fcntl, gc, heapq, os, random, select, struct, sys, time

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


SPIN_S = 0.002  # how long before a packet is due the relay stops sleeping (only while it is real-time)


def open_tun(name):
    fd = os.open('/dev/net/tun', os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def realtime():
    """Runs the relay under SCHED_FIFO when allowed (root), so that it adds only the configured delay: as an
    ordinary process on a loaded two-core machine it waited up to 16 ms for a CPU before reading or writing a packet,
    which the loss comparison then counted against the transport. Returns whether that worked."""
    gc.disable()  # nothing here makes reference cycles; a collection pass is a pause the link would add
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
        return True
    except (AttributeError, OSError):
        return False


def main():
    a_name, b_name, delay_ms, loss, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    a, b = open_tun(a_name), open_tun(b_name)
    rngs = {a: random.Random(seed * 2), b: random.Random(seed * 2 + 1)}  # one per direction
    other = {a: b, b: a}
    counts = {'packets': 0, 'dropped': 0}
    queue = []  # (due, seq, fd, packet, arrival on the wall clock)
    seq = 0
    log = open(os.environ['STRATUM_TUN_LOG'], 'w') if os.environ.get('STRATUM_TUN_LOG') else None
    late = {'max': 0.0, 'over1ms': 0}  # ms the relay wrote packets after they were due
    rt = realtime()
    print('ready', flush=True)
    while True:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            due, _, fd, pkt, tin = heapq.heappop(queue)
            lateness = (time.monotonic() - due) * 1000
            late['max'] = max(late['max'], lateness)
            late['over1ms'] += lateness > 1
            tout = time.time()
            try:
                os.write(fd, pkt)
            except OSError:
                pass  # the device is down for a moment (moved, not yet up): the packet is lost
            if log:
                log.write(f'{fd} {tin:.6f} {tout:.6f} {lateness:.3f} {len(pkt)} {pkt[9]} {(time.time() - tout) * 1000:.3f}\n')
        # Real-time, the relay polls within SPIN_S of the next packet's due time instead of sleeping: waking a sleeping
        # process on a VM can take milliseconds, which the comparison would count against the transport as delay.
        wait = queue[0][0] - now if queue else 0.5
        timeout = max(0.0, wait - SPIN_S) if rt else max(0.0, wait)
        ready, _, _ = select.select([a, b, sys.stdin], [], [], timeout)
        for fd in ready:
            if fd is sys.stdin:
                if not sys.stdin.readline():
                    if log:
                        log.close()
                    print(f'tun-link: {counts["packets"]} packets, {counts["dropped"]} dropped; written late by up to'
                          f' {late["max"]:.1f} ms, {late["over1ms"]} by over 1 ms{"" if rt else " (not real-time)"}', file=sys.stderr)
                    return
                continue
            while True:
                try:
                    pkt = os.read(fd, 65536)
                except BlockingIOError:
                    break
                except OSError:
                    break
                counts['packets'] += 1
                if rngs[fd].random() < loss:
                    counts['dropped'] += 1
                    continue
                seq += 1
                heapq.heappush(queue, (time.monotonic() + delay_ms / 1000, seq, other[fd], pkt, time.time()))


main()
