import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import type { Config } from './config/config';
import { APP_OPTIONS, createHttpAdapter } from './http-adapter';

export interface StartOptions {
  /** Where the log goes instead of stdout as JSON lines (the demo's readable log). */
  logDestination?: DestinationStream;
  /** Nest closes the application on SIGTERM, SIGINT and the like (the demo closes it itself, with its sandbox). */
  shutdownHooks?: boolean;
}

/** The service for one configuration, listening: what both `main.ts` and `demo.ts` run. */
export async function startService(config: Config, options: StartOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(
    AppModule.forRoot(config, { logDestination: options.logDestination }),
    createHttpAdapter(config.http),
    { ...APP_OPTIONS, bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  if (options.shutdownHooks) app.enableShutdownHooks();
  configureApp(app);
  await app.listen(config.http.port, config.http.host);
  return app;
}
