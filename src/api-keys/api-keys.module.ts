import { Module } from '@nestjs/common';
import { ApiKeyAuth, ApiKeyGuard } from './api-key.guard';

/** API keys are stored by the storage layer; this module checks them. */
@Module({
  providers: [ApiKeyAuth, ApiKeyGuard],
  exports: [ApiKeyAuth, ApiKeyGuard],
})
export class ApiKeysModule {}
