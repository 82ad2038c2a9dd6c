import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { ConfigError } from './config/config-error';
import { createHttpAdapter } from './http-adapter';
import { startSandboxMode } from './sandbox/sandbox-mode';

async function bootstrap(): Promise<void> {
  const sandboxMode = await startSandboxMode(process.env);
  const app = await NestFactory.create(AppModule, createHttpAdapter(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  configureApp(app);
  const port = Number(process.env.PORT || 4000);
  // "::" accepts IPv4 and IPv6 on every interface, with either adapter. With generated secrets and an
  // emulated Airtable, sandbox mode is reachable from this machine only unless HOST says otherwise.
  const host = process.env.HOST || (sandboxMode ? '127.0.0.1' : '::');
  await app.listen(port, host);
  if (sandboxMode) {
    console.log(
      [
        '',
        '  ==========================================================',
        sandboxMode.reason === 'requested'
          ? '   SANDBOX MODE: AIRTABLE_SANDBOX=true, so Airtable itself is not used.'
          : '   SANDBOX MODE: no Airtable credentials given.',
        `   Airtable is emulated locally at ${sandboxMode.sandbox.url}`,
        `   Open http://localhost:${port} and click "Connect Airtable".`,
        '  ==========================================================',
        '',
      ].join('\n'),
    );
  }
}

bootstrap().catch((error: unknown) => {
  // A start that cannot go on says why in plain words and exits; unexpected errors keep their stack.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
