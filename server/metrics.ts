import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance, so several apps in one test process never collide. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    socketsConnected: new Gauge({ name: 'ks_sockets_connected', help: 'Open Socket.IO connections on this process', registers: [registry] }),
    messagesStored: new Counter({ name: 'ks_chat_messages_stored_total', help: 'Chat messages stored (resends not counted)', registers: [registry] }),
    commandSeconds: new Histogram({
      name: 'ks_socket_command_seconds',
      help: 'Time from a socket command to its ack',
      labelNames: ['event', 'ok'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    messageBatchSize: new Histogram({
      name: 'ks_chat_write_batch_size',
      help: 'Messages written per database transaction',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500],
      registers: [registry],
    }),
    messageBatchSeconds: new Histogram({
      name: 'ks_chat_write_batch_seconds',
      help: 'Time to store one batch of chat messages (one transaction)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
