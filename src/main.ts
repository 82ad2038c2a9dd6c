import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { loadConfig, processEnvironment } from './config/config';
import { ConfigError } from './config/config-error';
import { APP_OPTIONS, createHttpAdapter } from './http-adapter';
import { startSandboxMode } from './config/sandbox-mode';
import { API_SCOPES } from './api-keys/api-key';
import { ApiKeyStore } from './api-keys/api-key.store';

async function bootstrap(): Promise<void> {
  const env = processEnvironment();
  const sandboxMode = await startSandboxMode(env);
  const config = loadConfig({ ...env, ...sandboxMode?.settings });
  const app = await NestFactory.create(AppModule.forRoot(config), createHttpAdapter(config.http), { ...APP_OPTIONS, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  configureApp(app);
  await app.listen(config.http.port, config.http.host);
  if (sandboxMode) {
    // The sandbox's database lives as long as the process, and so does this key.
    const demoKey = await app.get(ApiKeyStore).create('sandbox demo', [...API_SCOPES]);
    console.log(
      [
        '',
        '  ==========================================================',
        sandboxMode.reason === 'requested'
          ? '   SANDBOX MODE: AIRTABLE_SANDBOX=true, so Airtable itself is not used.'
          : '   SANDBOX MODE: no Airtable credentials given.',
        `   Airtable is emulated locally at ${sandboxMode.sandbox.url}`,
        `   Open http://localhost:${config.http.port} and click "Connect Airtable".`,
        `   Demo API key (every scope): ${demoKey.secret}`,
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
