namespace ServerPower.Sandbox.Kubernetes.Faults;

/// <summary>What an <see cref="ApiFaultRule"/> does to the requests it matches.</summary>
public enum ApiFaultKind
{
    /// <summary>
    /// 429 with Retry-After before anything is done. By default the body is API priority and fairness' rejection
    /// (text/plain "Too many requests, please try again later."); with <see cref="ApiFaultRule.StatusBody"/> a
    /// meta/v1 Status with reason TooManyRequests and details.retryAfterSeconds, as other 429s of the server are.
    /// </summary>
    TooManyRequests,

    /// <summary>409 Conflict Status ("the object has been modified") before anything is done, as a write from a stale resourceVersion gets.</summary>
    Conflict,

    /// <summary>500 InternalError Status before anything is done.</summary>
    InternalError,

    /// <summary>The request is processed (a write is stored and its watch event emitted), then 504 Timeout is answered instead.</summary>
    TimeoutAfterCommit,

    /// <summary>The connection is aborted before the request is processed: no answer, nothing stored.</summary>
    DropConnection,

    /// <summary>The request is processed (a write is stored and its watch event emitted), then the connection is aborted.</summary>
    DropConnectionAfterCommit,

    /// <summary>No answer at all: the request hangs until the client gives up (a black-holed connection).</summary>
    Hang,

    /// <summary>Watch only: the stream is aborted after <see cref="ApiFaultRule.AfterEvents"/> events (BOOKMARKs not counted).</summary>
    AbortWatch,
}
