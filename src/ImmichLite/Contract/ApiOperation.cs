namespace ImmichLite.Contract;

/// <summary>
/// One operation of the Immich OpenAPI contract (see the generated <see cref="ApiOps"/>).
/// </summary>
/// <param name="Method">HTTP method, upper-case.</param>
/// <param name="Path">Path exactly as in the spec, without the <c>/api</c> prefix (e.g. <c>/assets/{id}</c>).</param>
/// <param name="OperationId">The spec's operationId.</param>
/// <param name="Tags">The spec's tags.</param>
/// <param name="RequiresAuth">True when the operation declares a non-empty <c>security</c>.</param>
/// <param name="SuccessStatus">Lowest 2xx status code declared.</param>
/// <param name="RequestSchema">Schema name of the request body (JSON or multipart), or null.</param>
/// <param name="RequestContentType">Content type of the request body, or null.</param>
/// <param name="ResponseSchema">Schema name of the success response (<c>List&lt;Name&gt;</c> for arrays); null when none or binary.</param>
/// <param name="Deprecated">The spec marks the operation deprecated.</param>
/// <param name="QueryParameters">Names of the <c>in: query</c> parameters.</param>
public sealed record ApiOperation(
    string Method,
    string Path,
    string OperationId,
    string[] Tags,
    bool RequiresAuth,
    int SuccessStatus,
    string? RequestSchema,
    string? RequestContentType,
    string? ResponseSchema,
    bool Deprecated,
    string[] QueryParameters);
