import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import compression from 'compression';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { RedisClient } from '../redisConnections';
import type { Database } from '../db/database';
import { AppError, forbidden, notFound, statusOf, toErrorBody } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { AppServices } from '../services';
import { endpointFactory } from './endpoint';
import { metricsAllowed } from './metricsAccess';
import { originAllowed } from './origin';
import { ROUTES } from './routes';

const CLIENT_DIST = fileURLToPath(new URL('../../client/dist', import.meta.url));

/** Express: security headers, health and metrics, the API (one router per resource), the client, errors. */
export function createHttpApp(deps: { services: AppServices; db: Database; redis: RedisClient; metrics: Metrics; log: Logger }): express.Express {
  const { services, db, redis, metrics, log } = deps;
  const { config } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'img-src': ["'self'", 'data:', 'blob:'],
          'media-src': ["'self'", 'blob:', 'mediastream:'],
        },
      },
    }),
  );
  app.use(compression());

  app.get('/healthz', async (_req, res) => {
    const [dbUp, redisUp] = await Promise.all([
      db.knex.raw('select 1').then(() => true, () => false),
      Promise.race([redis.ping().then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 1000))]),
    ]);
    const ok = dbUp && redisUp;
    res.status(ok ? 200 : 503).json({ ok, db: dbUp ? 'up' : 'down', redis: redisUp ? 'up' : 'down' });
  });
  app.get('/metrics', async (req, res, next) => {
    if (!metricsAllowed(req, config.metricsToken)) return next(new AppError('unauthorized', 'metrics need the metrics token, or a request from this machine'));
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const checkOrigin: RequestHandler = (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    if (!originAllowed(req.headers.origin, req.headers.host, config.allowedOrigins)) return next(forbidden('requests from this origin are not allowed'));
    next();
  };
  const endpoint = endpointFactory(services.auth);
  const api = express.Router();
  // A member list to import may be long; every other body is small.
  api.use('/members/import', checkOrigin, express.json({ limit: '1200kb' }));
  api.use(checkOrigin, express.json({ limit: '64kb' }));
  for (const routes of ROUTES) api.use(routes(services, endpoint));
  api.use((_req, _res, next) => next(notFound('endpoint')));
  app.use('/api', api);

  if (existsSync(CLIENT_DIST)) {
    // Hashed assets never change: cache them for a year. index.html is revalidated every time.
    app.use('/assets', express.static(`${CLIENT_DIST}/assets`, { immutable: true, maxAge: '365d', fallthrough: false }));
    app.use(express.static(CLIENT_DIST, { index: false, maxAge: 0 }));
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => res.setHeader('Cache-Control', 'no-cache').sendFile(`${CLIENT_DIST}/index.html`));
  }

  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    let appError: AppError | null = error instanceof AppError ? error : null;
    const bodyParserType = (error as { type?: string }).type;
    if (bodyParserType === 'entity.parse.failed') appError = new AppError('invalid', 'request body is not valid JSON');
    else if (bodyParserType === 'entity.too.large') appError = new AppError('too_large', 'request body is too large');
    else if (bodyParserType) appError = new AppError('invalid', 'request body could not be read');
    else if ((error as { status?: number }).status === 404) appError = notFound('file');
    // A public registration's code is in its address: the log keeps the route, never the code.
    if (!appError) log.error({ err: error, method: req.method, path: req.path.replace(/^\/api\/public\/registrations\/[^/]+/, '/api/public/registrations/:code') }, 'request failed');
    const body = toErrorBody(appError ?? error);
    res.status(statusOf(body.code)).json({ error: body });
  };
  app.use(onError);
  return app;
}
