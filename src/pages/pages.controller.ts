import { Controller, Get, Header, Inject, Param, Req, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { BaseIdPipe } from '../bases/base-id.pipe';
import { BasesService } from '../bases/bases.service';
import { AppError, ErrorCode } from '../common/app-error';
import { Cookies } from '../common/cookies';
import { HttpExchange, type HttpRequest } from '../common/http-exchange';
import { strictQuery } from '../common/strict-query';
import { listParamsFromBody } from '../records/list-params';
import { TableIdPipe } from '../records/record-params';
import { RecordsService } from '../records/records.service';
import { NoStore } from '../common/no-store.decorator';
import { appConfig, type AppConfig } from '../config/app.config';
import { SessionService } from '../sessions/session.service';
import { CurrentConnection, SessionGuard } from '../sessions/session.guard';
import type { StoredConnection } from '../connections/connection.store';
import { basePage } from './base.page';
import { type BasesView, homePage } from './home.page';
import { recordsPage } from './records.page';

const RECORDS_PER_PAGE = 50;

/** The server-rendered pages for people; the JSON endpoints serve programs. */
@ApiExcludeController()
@Controller()
export class PagesController {
  constructor(
    private readonly sessions: SessionService,
    private readonly cookies: Cookies,
    private readonly bases: BasesService,
    private readonly records: RecordsService,
    private readonly http: HttpExchange,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {}

  @Get()
  @NoStore()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async home(@Req() req: HttpRequest): Promise<string> {
    const stored = await this.sessions.current(this.cookies.sessionId(req));
    return homePage(stored?.connection, stored && (await this.basesView(stored)), this.app.sandbox);
  }

  @Get('browse/:id')
  @UseGuards(SessionGuard)
  @NoStore()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async base(@CurrentConnection() connection: StoredConnection, @Param('id', BaseIdPipe) baseId: string): Promise<string> {
    return basePage(baseId, await this.bases.tables(connection, baseId, false), this.app.sandbox);
  }

  @Get('browse/:id/tables/:tableId')
  @UseGuards(SessionGuard)
  @NoStore()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async tableRecords(
    @CurrentConnection() connection: StoredConnection,
    @Param('id', BaseIdPipe) baseId: string,
    @Param('tableId', TableIdPipe) tableId: string,
    @Req() req: HttpRequest,
  ): Promise<string> {
    const { offset } = strictQuery(this.http.rawQuery(req), ['offset']);
    const table = (await this.bases.tables(connection, baseId, false)).find((candidate) => candidate.id === tableId);
    if (!table) throw new AppError(ErrorCode.TableNotFound);
    const params = listParamsFromBody({ pageSize: RECORDS_PER_PAGE, ...(offset === undefined ? {} : { offset }) });
    return recordsPage(baseId, table, await this.records.page(connection, baseId, table.id, params), this.app.sandbox);
  }

  /** The home page still renders when Airtable fails; it says why the list is missing. */
  private async basesView(connection: StoredConnection): Promise<BasesView> {
    try {
      return { bases: await this.bases.listBases(connection) };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return { error: { code: error.code, message: error.message } };
    }
  }
}
