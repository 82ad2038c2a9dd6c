import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { createHttpAdapter } from './http-adapter';
import { startSandboxMode } from './sandbox/sandbox-mode';

async function bootstrap(): Promise<void> {
  const sandbox = await startSandboxMode(process.env);
  const app = await NestFactory.create(AppModule, createHttpAdapter(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  configureApp(app);
  const port = Number(process.env.PORT || 4000);
  // "::" accepts IPv4 and IPv6 on every interface, with either adapter.
  await app.listen(port, '::');
  if (sandbox) {
    console.log(
      [
        '',
        '  ==========================================================',
        '   SANDBOX MODE: no Airtable credentials given.',
        `   Airtable is emulated locally at ${sandbox.url}`,
        `   Open http://localhost:${port} and click "Connect Airtable".`,
        '  ==========================================================',
        '',
      ].join('\n'),
    );
  }
}

void bootstrap();
