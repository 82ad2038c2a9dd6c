import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { HomeController } from './home.controller';

@Module({
  imports: [SessionsModule],
  controllers: [HomeController],
})
export class HomeModule {}
