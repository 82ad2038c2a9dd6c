import { type DynamicModule, Global, Module } from '@nestjs/common';
import { CONFIG_NAMESPACES, type Config } from './config';

/** Hands every feature its namespace of the one configuration built at start. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: Config): DynamicModule {
    const providers = CONFIG_NAMESPACES.map((namespace) => ({
      provide: namespace.KEY,
      useValue: config[namespace.namespace as keyof Config],
    }));
    return { module: ConfigModule, providers, exports: providers.map((p) => p.provide) };
  }
}
