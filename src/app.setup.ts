import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { PAGE_STYLE_SOURCE } from './common/html';
import { appConfig, type AppConfig } from './config/app.config';

const DOCS_PATH = 'docs';

/** What main.ts and the end-to-end tests both apply to the application, so they run the same thing. */
export function configureApp(app: INestApplication): void {
  const config = app.get<AppConfig>(appConfig.KEY);
  (app as NestExpressApplication).set('trust proxy', config.trustProxy);

  // Pages load nothing but their own inline style; nothing may frame them or post elsewhere.
  const strict = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: [PAGE_STYLE_SOURCE],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
  });
  // Swagger UI runs its own scripts and styles, from this origin.
  const docs = helmet({
    contentSecurityPolicy: {
      directives: { scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] },
    },
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.use((req: { url: string }, res: unknown, next: () => void) =>
    (req.url.startsWith(`/${DOCS_PATH}`) ? docs : strict)(req as never, res as never, next),
  );

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Airtable OAuth service')
      .setDescription('Airtable data as JSON for the signed-in session (cookie `sid`, set by signing in at /auth/login).')
      .setVersion('0.1.0')
      .addCookieAuth('sid')
      .build(),
  );
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: `${DOCS_PATH}-json` });
}
