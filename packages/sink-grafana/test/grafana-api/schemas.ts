// JSON schemas of the Grafana HTTP API endpoints the sink and the dashboard push call. Written for Argus from
// the component schemas of Grafana's published OpenAPI document (`public/openapi3.json` in grafana/grafana:
// PostAnnotationsCmd, PatchAnnotationsCmd, Annotation, HealthResponse, SaveDashboardCommand,
// postDashboardResponse, CreateFolderCommand, Folder, DataSource, ErrorResponseBody) and the HTTP API docs.
// The document itself is not shipped. Request schemas are stricter than Grafana on one point: unknown fields are
// refused (Grafana ignores them), so the client cannot come to depend on a field Grafana would drop.

/** A JSON schema, as ajv takes it. */
export type Schema = Record<string, unknown>;

const int64 = { type: 'integer' } as const;
const str = { type: 'string' } as const;
const tags = { type: 'array', items: str } as const;

/** `POST /api/annotations` body (PostAnnotationsCmd). */
export const postAnnotationsCmd: Schema = {
  type: 'object',
  required: ['text'],
  additionalProperties: false,
  properties: {
    dashboardId: int64,
    dashboardUID: str,
    panelId: int64,
    time: int64,
    timeEnd: int64,
    tags,
    text: str,
    data: { type: 'object' },
  },
};

/** `PATCH /api/annotations/:id` body (PatchAnnotationsCmd). */
export const patchAnnotationsCmd: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: { id: int64, time: int64, timeEnd: int64, tags, text: str, data: { type: 'object' } },
};

/** `POST /api/annotations` 200 answer. */
export const postAnnotationResponse: Schema = {
  type: 'object',
  required: ['id', 'message'],
  properties: { id: int64, message: str },
};

/** `PATCH`/`PUT`/`DELETE /api/annotations/:id` and other `{message}` answers, errors included (ErrorResponseBody). */
export const messageResponse: Schema = {
  type: 'object',
  required: ['message'],
  properties: { message: str, status: str, error: str },
};

/** One item of `GET /api/annotations` (Annotation); Grafana adds fields across versions, so extra ones are fine. */
export const annotation: Schema = {
  type: 'object',
  required: ['id', 'time', 'timeEnd', 'text', 'tags'],
  properties: {
    id: int64,
    alertId: int64,
    dashboardId: int64,
    dashboardUID: { type: ['string', 'null'] },
    panelId: int64,
    userId: int64,
    newState: str,
    prevState: str,
    time: int64,
    timeEnd: int64,
    text: str,
    metric: str,
    tags,
    data: { type: 'object' },
    login: str,
    email: str,
    avatarUrl: str,
    created: int64,
    updated: int64,
  },
};

/** `GET /api/annotations` answer. */
export const annotationList: Schema = { type: 'array', items: annotation } as const;

/** `GET /api/health` answer (HealthResponse); version and commit are hidden by `anonymous_hide_version`. */
export const healthResponse: Schema = {
  type: 'object',
  required: ['database'],
  properties: { commit: str, database: str, version: str, enterpriseCommit: str },
};

/** `GET /api/datasources/uid/:uid` answer (DataSource), the fields a check reads. */
export const dataSource: Schema = {
  type: 'object',
  required: ['id', 'uid', 'name', 'type', 'url'],
  properties: {
    id: int64,
    uid: str,
    orgId: int64,
    name: str,
    type: str,
    access: str,
    url: str,
    isDefault: { type: 'boolean' },
    jsonData: { type: 'object' },
    readOnly: { type: 'boolean' },
    version: int64,
  },
};

/** `POST /api/dashboards/db` body (SaveDashboardCommand). */
export const saveDashboardCommand: Schema = {
  type: 'object',
  required: ['dashboard'],
  additionalProperties: false,
  properties: {
    dashboard: {
      type: 'object',
      required: ['title'],
      properties: { id: { type: ['integer', 'null'] }, uid: { type: 'string', maxLength: 40 }, title: str },
    },
    folderId: int64,
    folderUid: str,
    isFolder: { type: 'boolean' },
    message: { type: 'string', maxLength: 500 },
    overwrite: { type: 'boolean' },
    userId: int64,
  },
};

/** `POST /api/dashboards/db` 200 answer (postDashboardResponse). */
export const postDashboardResponse: Schema = {
  type: 'object',
  required: ['id', 'uid', 'url', 'status', 'version'],
  properties: { id: int64, uid: str, url: str, status: str, version: int64, slug: str, folderUid: str },
};

/** `GET /api/dashboards/uid/:uid` answer (DashboardFullWithMeta). */
export const dashboardFullWithMeta: Schema = {
  type: 'object',
  required: ['dashboard', 'meta'],
  properties: {
    dashboard: { type: 'object', required: ['uid', 'version'] },
    meta: {
      type: 'object',
      properties: { folderUid: str, url: str, version: int64, provisioned: { type: 'boolean' } },
    },
  },
};

/** `POST /api/folders` body (CreateFolderCommand). */
export const createFolderCommand: Schema = {
  type: 'object',
  required: ['title'],
  additionalProperties: false,
  properties: { uid: { type: 'string', maxLength: 40 }, title: str, description: str, parentUid: str },
};

/** `POST /api/folders` and `GET /api/folders/:uid` answer (Folder). */
export const folder: Schema = {
  type: 'object',
  required: ['id', 'uid', 'title'],
  properties: { id: int64, uid: str, title: str, url: str, version: int64, parentUid: str },
};

const gridPos: Schema = {
  type: 'object',
  required: ['h', 'w', 'x', 'y'],
  properties: {
    h: { type: 'integer', minimum: 1 },
    w: { type: 'integer', minimum: 1, maximum: 24 },
    x: { type: 'integer', minimum: 0, maximum: 23 },
    y: { type: 'integer', minimum: 0 },
  },
};
const dsRef: Schema = { type: 'object', required: ['uid'], properties: { type: str, uid: str } };
const panel: Schema = {
  type: 'object',
  required: ['type', 'id', 'gridPos'],
  properties: {
    type: { type: 'string', minLength: 1 },
    id: int64,
    title: str,
    gridPos,
    datasource: dsRef,
    repeat: str,
    targets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['refId'],
        properties: { refId: str, expr: str, datasource: dsRef },
      },
    },
    fieldConfig: { type: 'object', required: ['defaults', 'overrides'] },
    panels: { type: 'array' },
  },
};

/** A dashboard model (the essentials of Grafana's dashboard schema kind that a server relies on). */
export const dashboardModel: Schema = {
  type: 'object',
  required: ['uid', 'title', 'schemaVersion', 'panels'],
  properties: {
    uid: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,40}$' },
    title: { type: 'string', minLength: 1 },
    schemaVersion: { type: 'integer', minimum: 36 },
    tags: tags,
    timezone: str,
    refresh: str,
    time: { type: 'object', required: ['from', 'to'], properties: { from: str, to: str } },
    panels: { type: 'array', items: panel },
    templating: {
      type: 'object',
      properties: {
        list: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'type'],
            properties: { name: str, type: str, datasource: dsRef },
          },
        },
      },
    },
    annotations: {
      type: 'object',
      properties: {
        list: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'datasource', 'enable', 'iconColor'],
            properties: { name: str, datasource: dsRef, enable: { type: 'boolean' }, iconColor: str },
          },
        },
      },
    },
  },
};

/** `provisioning/dashboards/*.yaml` (a dashboard provider file), as Grafana's provisioning docs describe it. */
export const dashboardProviders: Schema = {
  type: 'object',
  required: ['apiVersion', 'providers'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 1 },
    providers: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'type', 'options'],
        additionalProperties: false,
        properties: {
          name: str,
          orgId: int64,
          folder: str,
          folderUid: str,
          type: { const: 'file' },
          disableDeletion: { type: 'boolean' },
          updateIntervalSeconds: int64,
          allowUiUpdates: { type: 'boolean' },
          options: {
            type: 'object',
            required: ['path'],
            additionalProperties: false,
            properties: { path: str, foldersFromFilesStructure: { type: 'boolean' } },
          },
        },
      },
    },
  },
};

/** `provisioning/datasources/*.yaml`, as Grafana's provisioning docs describe it. */
export const datasourceProvisioning: Schema = {
  type: 'object',
  required: ['apiVersion', 'datasources'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 1 },
    deleteDatasources: { type: 'array', items: { type: 'object', required: ['name'] } },
    datasources: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'type'],
        additionalProperties: false,
        properties: {
          name: str,
          type: str,
          uid: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,40}$' },
          access: { enum: ['proxy', 'direct'] },
          url: str,
          orgId: int64,
          isDefault: { type: 'boolean' },
          editable: { type: 'boolean' },
          version: int64,
          basicAuth: { type: 'boolean' },
          jsonData: { type: 'object' },
          secureJsonData: { type: 'object' },
        },
      },
    },
  },
};
