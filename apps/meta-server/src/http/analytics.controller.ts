import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Type } from '@sinclair/typebox';
import { ApiAnalyticsReport, type AnalyticsReport } from '@linker/contracts';
import { BearerToken } from '@linker/lifecycle';
import { AnalyticsTotals } from '../analytics/analytics-totals';
import { TopologyStore } from '../topology/topology-store';
import { INTERNAL_TOKEN } from './internal-token';
import { readBody } from './read-body';

const DAY_MS = 86_400_000;
/** Largest report body (every app's slices of one domain). */
const MAX_REPORT_BYTES = 16 * 1024 * 1024;
const DomainReports = TypeCompiler.Compile(Type.Object({ domain: Type.String({ minLength: 1 }), reports: Type.Array(ApiAnalyticsReport) }));

/**
 * Per-slice analytics summed over the domains (docs/protocol.md, Analytics): each domain's processors report with the
 * internal token (`POST /internal/analytics`); anyone who may read the topology reads an app's sums (counts only, no
 * user id).
 */
@ApiTags('analytics')
@Controller()
export class AnalyticsController {
  private readonly gate: BearerToken;

  constructor(
    private readonly totals: AnalyticsTotals,
    private readonly store: TopologyStore,
    @Inject(INTERNAL_TOKEN) token: string | null,
  ) {
    this.gate = new BearerToken(token);
  }

  @Get('analytics/:appName')
  @ApiOperation({
    summary: "An app's analytics per slice, summed over the domains that report them (unique users: see docs/protocol.md, Analytics).",
  })
  @ApiQuery({ name: 'from', required: false, description: 'Start, epoch ms (default: 24 hours before `to`).' })
  @ApiQuery({ name: 'to', required: false, description: 'End, epoch ms (default: now).' })
  @ApiResponse({ status: 200, description: 'AnalyticsReport: {app, domains, slices: [{slice, start, sliceSeconds, counters, uniques}]}' })
  @ApiResponse({ status: 400, description: '`from` or `to` is not a time in epoch ms, or from is after to.' })
  @ApiResponse({ status: 404, description: 'No such app in the topology.' })
  read(@Param('appName') appName: string, @Query('from') from?: string, @Query('to') to?: string): Promise<AnalyticsReport> {
    if (this.store.current().topology.clientApps.every((app) => app.appName !== appName)) {
      throw new NotFoundException(`no client app ${appName.slice(0, 64)} in the topology`);
    }
    const end = epochMs('to', to, Date.now());
    const start = epochMs('from', from, end - DAY_MS);
    if (start > end) throw new BadRequestException('from is after to');
    return this.totals.sum(appName, start, end);
  }

  @Post('internal/analytics')
  @HttpCode(204)
  @ApiOperation({ summary: "A domain's analytics report (its processors send one a minute). Internal token only." })
  async report(@Req() request: IncomingMessage, @Res({ passthrough: true }) response: ServerResponse): Promise<void> {
    if (!this.gate.configured) throw new NotFoundException();
    if (!this.gate.holds(request.headers.authorization)) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException();
    }
    const body = parsed(await readBody(request, response, MAX_REPORT_BYTES, 'a report'));
    if (!DomainReports.Check(body)) throw new BadRequestException('expected {domain, reports: [AnalyticsReport]}');
    if (this.store.current().topology.domains.every((d) => d.name !== body.domain)) {
      throw new BadRequestException(`domain ${body.domain.slice(0, 64)} is not in the topology`);
    }
    this.totals.report(body.domain, body.reports as AnalyticsReport[]);
  }
}

function epochMs(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,15}$/.test(raw)) throw new BadRequestException(`${name}: not a time in milliseconds since the epoch`);
  return Number(raw);
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequestException('the body is not JSON');
  }
}
