import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream } from 'pino';
import { appConfig, type AppConfig } from '../config/app.config';

/** A request's path for the log: never its query, and never a connect link's token (a bearer secret until used). */
export function loggedPath(url: string | undefined): string {
  return (url ?? '').split('?')[0].replace(/^\/connect\/(?!done$)[^/]+/, '/connect/[token]');
}

/**
 * JSON logs with a request id (assigned by request-id.ts before this logger runs). A request is logged
 * as method and path only: query strings carry codes and states, headers carry cookies and
 * Authorization, so neither is ever written. The redact list covers anything that would still try.
 * The lines go to stdout unless a destination is given (the demo's readable log).
 */
@Module({})
export class LoggingModule {
  static forRoot(destination?: DestinationStream): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [appConfig.KEY],
          useFactory: (app: AppConfig) => {
            const options = {
              level: app.logLevel,
              serializers: {
                req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: loggedPath(req.url) }),
                res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
              },
              redact: {
                paths: ['req.headers', 'res.headers', 'req.query', 'req.url', '*.authorization', '*.cookie', '*.code', '*.state', '*.access_token', '*.refresh_token'],
                censor: '[redacted]',
              },
              customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${loggedPath(req.url)} ${res.statusCode}`,
              customErrorMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${loggedPath(req.url)} ${res.statusCode}`,
            };
            return {
              // Every route, in the path syntax both adapters understand (a bare "*" misses them on Fastify);
              // none at all when logging is off, so a silent service does no per-request logging work.
              forRoutes: app.logLevel === 'silent' ? [] : [{ path: '{*path}', method: RequestMethod.ALL }],
              pinoHttp: destination ? ([options, destination] as const) : options,
            };
          },
        }),
      ],
    };
  }
}
