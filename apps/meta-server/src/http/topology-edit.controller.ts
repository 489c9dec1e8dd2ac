import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  NotFoundException,
  Param,
  Post,
  Put,
  Req,
  Res,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  MAX_ALIASES,
  MAX_TOPOLOGY_BYTES,
  MAX_TOPOLOGY_DEPTH,
  MAX_TOPOLOGY_TOKENS,
  type TopologyDiff,
  type TopologyProblem,
} from '@linker/topology';
import { authorOf, ifMatchVersions } from '../topology/negotiation';
import { TopologyEditor, type WriteOutcome } from '../topology/topology-editor';
import type { HistoryEntry } from '../topology/topology-history';
import { ADMIN_TOKEN, AdminGate } from './admin-token';
import { readBody } from './read-body';
import { MAX_QUEUED_VALIDATIONS, ValidationBudget } from './validation-budget';

/** `POST /topology/validate`: whether the YAML would be accepted, every problem, and what it would change. */
export interface ValidateAnswer {
  valid: boolean;
  /** The version it would have (when valid). */
  version?: string;
  /** The version it is compared with. */
  currentVersion: string;
  problems: TopologyProblem[];
  diff?: TopologyDiff;
}

/** A successful write: the new current version (also the `ETag`), and what changed. */
export interface WriteAnswer {
  version: string;
  previousVersion: string;
  changed: boolean;
  author: string;
  time: string;
  warnings: TopologyProblem[];
  diff: TopologyDiff;
}

const YAML_BODY = {
  description: `The topology document, YAML (or JSON): at most 1 MiB, ${MAX_TOPOLOGY_TOKENS} YAML tokens and ${MAX_TOPOLOGY_DEPTH} levels of nesting.`,
  schema: { type: 'string' },
};
const REFUSED = `Refused by a limit before it was checked (over ${MAX_TOPOLOGY_TOKENS} YAML tokens, nested over ${MAX_TOPOLOGY_DEPTH} levels, over ${MAX_ALIASES} aliases): {message, currentVersion, problems}, the problem naming the limit.`;
const IF_MATCH = { name: 'If-Match', description: 'The version the edit was made from, as GET /topology gives it in ETag: "<version>".' };
const AUTHOR = { name: 'X-Linker-Author', required: false, description: 'Who makes the change (kept in the history); default "admin".' };

/**
 * The editing API (docs/protocol.md, Editing; ADR 0010): dry run, write with `If-Match`, history and rollback. Writes need the admin
 * token; invalid documents get 422 with every problem (path, line, message); a stale or missing `If-Match` gets 412
 * with the current version in `ETag` and the body.
 */
@ApiTags('topology')
@Controller('topology')
export class TopologyEditController {
  private readonly gate: AdminGate;

  constructor(
    private readonly editor: TopologyEditor,
    private readonly budget: ValidationBudget,
    @Inject(ADMIN_TOKEN) adminToken: string | null,
  ) {
    this.gate = new AdminGate(adminToken);
  }

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Dry run: every problem with its path and line, and the diff against the current version. No token needed; without the admin token, ' +
      'each client address may use LINKER_META_VALIDATE_MS_PER_SECOND ms of validation time per second (429 beyond).',
  })
  @ApiBearerAuth()
  @ApiBody(YAML_BODY)
  @ApiResponse({ status: 200, description: '{valid, version?, currentVersion, problems, diff?}' })
  @ApiResponse({ status: 413, description: 'Body over 1 MiB; the connection is closed after this answer.' })
  @ApiResponse({ status: 422, description: REFUSED })
  @ApiResponse({
    status: 429,
    description: 'Without the admin token: this address used its validation time; Retry-After says when to come back.',
  })
  @ApiResponse({
    status: 503,
    description: `Without the admin token: ${MAX_QUEUED_VALIDATIONS} validations already wait for their turn; Retry-After: 1.`,
  })
  async validate(
    @Req() request: IncomingMessage,
    @Res({ passthrough: true }) response: ServerResponse,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<ValidateAnswer> {
    const text = await readBody(request, response, MAX_TOPOLOGY_BYTES);
    const address = this.gate.holds(authorization) ? undefined : (request.socket.remoteAddress ?? 'unknown');
    if (address !== undefined) this.budget.admit(address, this.editor.checksQueued, response);
    const { value: checked, ms } = await this.editor.validate(text);
    if (address !== undefined) this.budget.charge(address, ms);
    const currentVersion = this.editor.currentVersion();
    if (checked.refused) throw invalid(checked.problems, { currentVersion });
    return {
      valid: checked.topology !== undefined,
      ...(checked.version === undefined ? {} : { version: checked.version }),
      currentVersion,
      problems: checked.problems,
      ...(checked.diff === undefined ? {} : { diff: checked.diff }),
    };
  }

  @Put()
  @ApiOperation({ summary: 'Replace the topology. Secrets left masked (***) as GET shows them keep their stored values.' })
  @ApiBearerAuth()
  @ApiHeader(IF_MATCH)
  @ApiHeader(AUTHOR)
  @ApiBody(YAML_BODY)
  @ApiResponse({ status: 200, description: 'Saved; the new version is in ETag and the body.' })
  @ApiResponse({ status: 401, description: 'Missing or wrong admin token.' })
  @ApiResponse({ status: 403, description: 'No admin token is configured: writes are refused.' })
  @ApiResponse({ status: 412, description: 'If-Match missing or stale; the current version is in ETag and the body.' })
  @ApiResponse({ status: 413, description: 'Body over 1 MiB; the connection is closed after this answer.' })
  @ApiResponse({ status: 422, description: `Invalid topology, or refused by a limit: every problem with its path and line.` })
  async put(
    @Req() request: IncomingMessage,
    @Res({ passthrough: true }) response: ServerResponse,
    @Headers('authorization') authorization: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('x-linker-author') author: string | undefined,
  ): Promise<WriteAnswer> {
    this.gate.check(authorization, response);
    const text = await readBody(request, response, MAX_TOPOLOGY_BYTES);
    const previous = this.editor.currentVersion();
    return answer(await this.editor.put(text, ifMatchVersions(ifMatch), authorOf(author)), previous, response);
  }

  @Get('history')
  @ApiOperation({ summary: 'Every recorded version, newest first: version, author, time, kind (loaded, edit, rollback).' })
  history(): Promise<HistoryEntry[]> {
    return this.editor.history();
  }

  @Post('rollback/:version')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make a recorded version current again (a new history entry). If-Match is optional.' })
  @ApiBearerAuth()
  @ApiHeader({ ...IF_MATCH, required: false })
  @ApiHeader(AUTHOR)
  @ApiResponse({ status: 200, description: 'Rolled back; the version is in ETag and the body.' })
  @ApiResponse({ status: 404, description: 'No such version in the history.' })
  @ApiResponse({ status: 412, description: 'If-Match given and stale.' })
  async rollback(
    @Param('version') version: string,
    @Res({ passthrough: true }) response: ServerResponse,
    @Headers('authorization') authorization: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('x-linker-author') author: string | undefined,
  ): Promise<WriteAnswer> {
    this.gate.check(authorization, response);
    const previous = this.editor.currentVersion();
    return answer(await this.editor.rollback(version, ifMatchVersions(ifMatch), authorOf(author)), previous, response);
  }
}

function answer(outcome: WriteOutcome, previousVersion: string, response: ServerResponse): WriteAnswer {
  switch (outcome.kind) {
    case 'saved':
      response.setHeader('ETag', `"${outcome.revision.version}"`);
      return {
        version: outcome.revision.version,
        previousVersion,
        changed: outcome.changed,
        author: outcome.entry.author,
        time: outcome.entry.time,
        warnings: outcome.warnings,
        diff: outcome.diff,
      };
    case 'stale':
      response.setHeader('ETag', `"${outcome.current}"`);
      throw new HttpException(
        {
          statusCode: HttpStatus.PRECONDITION_FAILED,
          error: 'Precondition Failed',
          message: `If-Match must name the current version "${outcome.current}": get it, redo the edit on it, and send it again`,
          currentVersion: outcome.current,
        },
        HttpStatus.PRECONDITION_FAILED,
      );
    case 'invalid':
      throw invalid(outcome.problems);
    case 'unknown-version':
      throw new NotFoundException(`no version "${outcome.version}" in the history`);
  }
}

/** 422 with every problem (a refused document has one: the limit it is over). */
function invalid(problems: TopologyProblem[], extra: { currentVersion?: string } = {}): UnprocessableEntityException {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return new UnprocessableEntityException({
    statusCode: HttpStatus.UNPROCESSABLE_ENTITY,
    error: 'Unprocessable Entity',
    message: `the topology is invalid (${errors} error${errors === 1 ? '' : 's'})`,
    ...extra,
    problems,
  });
}
