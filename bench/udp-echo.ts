/**
 * Child process of `bench net`'s UDP floor (net-workloads.ts measureUdpFloor): echoes every datagram to its sender on
 * 127.0.0.1 and prints its port. Killed by the parent.
 */
import { createSocket } from 'node:dgram';

const socket = createSocket('udp4');
socket.on('message', (msg, from) => socket.send(msg, from.port, from.address));
socket.bind(0, '127.0.0.1', () => console.log(socket.address().port));
