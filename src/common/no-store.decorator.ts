import { applyDecorators, Header } from '@nestjs/common';

/** For every response that carries a user's data: no cache may keep it. */
export const NoStore = () => applyDecorators(Header('Cache-Control', 'no-store'));
