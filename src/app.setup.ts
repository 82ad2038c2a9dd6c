import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** What main.ts and the end-to-end tests both apply to the application, so they run the same thing. */
export function configureApp(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Airtable OAuth service')
      .setDescription('Airtable data as JSON for the signed-in session (cookie `sid`, set by signing in at /auth/login).')
      .setVersion('0.1.0')
      .addCookieAuth('sid')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
