using ServerPower.Api.Resources;
using ServerPower.Providers.Coalescing;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Http;
using ServerPower.Providers.Outbound;
using ServerPower.Providers.Resilience;

namespace ServerPower.Providers.Adapters;

/// <summary>
/// What every adapter shares: capability checks before any request, batch-read coalescing, one call = one
/// request through the account's resilience pipeline, mapped by the adapter, and every message and raw state
/// that leaves it redacted and cut to <see cref="ProviderOptions.MaxMessageLength"/>.
/// </summary>
internal abstract class HttpPowerProvider : IPowerProvider
{
    private readonly BatchReadCoalescer? coalescer;
    private readonly SecretRedactor redactor;

    protected HttpPowerProvider(ProviderContext context)
    {
        Context = context;
        redactor = new SecretRedactor([context.Account.Credential.Reveal()]);
        if (Capabilities.CanBatchRead && context.Options.CoalesceBatchReads)
        {
            coalescer = new BatchReadCoalescer(ReadAllAsync, context.Options.BatchReadMaxAge, context.TimeProvider);
        }
    }

    public abstract ProviderType Type { get; }

    public abstract ProviderCapabilities Capabilities { get; }

    protected ProviderContext Context { get; }

    /// <summary>The account's resilience pipeline (tests drive its limits directly).</summary>
    internal ProviderPipeline Pipeline => Context.Pipeline;

    public TimeSpan? ActionWait(string serverId) => Context.Pipeline.ActionWait(serverId);

    public TimeSpan? ThrottledFor() => Context.Pipeline.ThrottledFor();

    public async Task<ReadResult> ReadAsync(string serverId, CancellationToken cancellationToken)
    {
        if (Capabilities.CanReadState && ServerIds.Problem(serverId) is { } problem)
        {
            return ReadResult.Failed(Clean(ProviderOutcome.Refused(OutcomeKind.Invalid, problem)));
        }

        var result = await ReadCoreAsync(serverId, cancellationToken);
        return new ReadResult(Clean(result.Outcome), result.Server is { } server ? Clean(server) : null);
    }

    public async Task<BatchReadResult> ReadAllAsync(CancellationToken cancellationToken)
    {
        if (!Capabilities.CanBatchRead)
        {
            return new BatchReadResult(ProviderOutcome.Unsupported($"{Type} has no batch read"), new Dictionary<string, ObservedServer>());
        }

        var request = BatchReadRequest() with { Operation = ProviderOperations.ReadAll };
        var (outcome, servers) = await CallAsync(CallKind.Read, request, MapBatchRead, cancellationToken);
        var cleaned = (servers ?? new Dictionary<string, ObservedServer>())
            .ToDictionary(pair => pair.Key, pair => Clean(pair.Value), StringComparer.Ordinal);
        return new BatchReadResult(Clean(outcome), cleaned);
    }

    public async Task<ProviderOutcome> SendAsync(
        string serverId, ActionType action, RebuildRequest? rebuild, CancellationToken cancellationToken)
    {
        if (!Capabilities.Supports(action))
        {
            return ProviderOutcome.Unsupported($"{Type} has no {action.ToString().ToLowerInvariant()} action");
        }

        if (ServerIds.Problem(serverId) is { } problem)
        {
            return Clean(ProviderOutcome.Refused(OutcomeKind.Invalid, problem));
        }

        var outcome = await SendSupportedAsync(serverId, action, rebuild, cancellationToken);
        var password = rebuild?.RootPassword?.Reveal();
        return Clean(password is null ? outcome : outcome with { Message = new SecretRedactor([password]).Redact(outcome.Message) });
    }

    public async Task<ProviderOutcome> SendCommandAsync(string serverId, string command, CancellationToken cancellationToken)
    {
        if (!Capabilities.HasConsole)
        {
            return ProviderOutcome.Unsupported($"{Type} has no console; the command was not sent");
        }

        if ((ServerIds.Problem(serverId) ?? ConsoleCommands.Problem(command)) is { } problem)
        {
            return Clean(ProviderOutcome.Refused(OutcomeKind.Invalid, problem));
        }

        var request = CommandRequest(Escape(serverId), command) with { Operation = ProviderOperations.Command };
        return Clean(await CallAsync(CallKind.DestructiveAction, request, MapCommand, cancellationToken));
    }

    public async Task<ProviderOutcome> ProbeAsync(CancellationToken cancellationToken) => Clean(await ProbeCoreAsync(cancellationToken));

    protected abstract Task<ProviderOutcome> ProbeCoreAsync(CancellationToken cancellationToken);

    protected abstract Task<ReadResult> ReadOneAsync(string serverId, CancellationToken cancellationToken);

    protected abstract Task<ProviderOutcome> SendSupportedAsync(
        string serverId, ActionType action, RebuildRequest? rebuild, CancellationToken cancellationToken);

    private async Task<ReadResult> ReadCoreAsync(string serverId, CancellationToken cancellationToken)
    {
        if (!Capabilities.CanReadState)
        {
            return ReadResult.Failed(ProviderOutcome.Unsupported($"{Type} cannot report a server's power state"));
        }

        if (coalescer is not null)
        {
            var snapshot = await coalescer.SnapshotAsync(cancellationToken);
            if (snapshot.Outcome.IsAccepted && snapshot.Servers.TryGetValue(serverId, out var server))
            {
                return ReadResult.Of(server);
            }

            if (!snapshot.Outcome.IsAccepted)
            {
                return ReadResult.Failed(snapshot.Outcome);
            }
            // Not in the listing: ask for it alone, so a missing server gets the provider's own answer.
        }

        return await ReadOneAsync(serverId, cancellationToken);
    }

    /// <summary>Everything that leaves the provider layer: the token redacted, then cut to the message bound.</summary>
    private ProviderOutcome Clean(ProviderOutcome outcome) =>
        outcome with { Message = ProviderText.Bound(redactor.Redact(outcome.Message), Context.Options.MaxMessageLength) };

    private ObservedServer Clean(ObservedServer server) =>
        server with { RawState = ProviderText.Bound(redactor.Redact(server.RawState), Context.Options.MaxMessageLength) };

    protected virtual ProviderRequest BatchReadRequest() => throw new NotSupportedException();

    protected virtual (ProviderOutcome, IReadOnlyDictionary<string, ObservedServer>?) MapBatchRead(ProviderResponse response) =>
        throw new NotSupportedException();

    /// <summary>The console command request (where <see cref="ProviderCapabilities.HasConsole"/>), for an escaped id.</summary>
    protected virtual ProviderRequest CommandRequest(string escapedServerId, string command) => throw new NotSupportedException();

    protected virtual ProviderOutcome MapCommand(ProviderResponse response) => throw new NotSupportedException();

    protected static CallKind KindOf(ActionType action) =>
        action is ActionType.Start or ActionType.Stop ? CallKind.IdempotentAction : CallKind.DestructiveAction;

    /// <summary>The id as one escaped path segment (ids that would change the path never get here).</summary>
    protected static string Escape(string serverId) => ServerIds.Segment(serverId);

    /// <summary>A power action for <paramref name="serverId"/>: one call that uses the token reserved for the server.</summary>
    protected Task<ProviderOutcome> ActionAsync(
        string serverId, ActionType action, ProviderRequest request, Func<ProviderResponse, ProviderOutcome> map, CancellationToken cancellationToken) =>
        CallAsync(KindOf(action), request, map, cancellationToken, serverId);

    /// <summary>One call: each attempt sends <paramref name="request"/> afresh and maps the answer; the value of the last attempt is kept.</summary>
    protected async Task<(ProviderOutcome Outcome, T? Value)> CallAsync<T>(
        CallKind kind, ProviderRequest request, Func<ProviderResponse, (ProviderOutcome, T?)> map, CancellationToken cancellationToken,
        string? serverId = null)
    {
        T? value = default;
        request = request with { Operation = request.Operation ?? ProviderOperations.Of(kind) };
        var outcome = await Context.Pipeline.ExecuteAsync(kind, async attemptToken =>
        {
            ProviderResponse response;
            try
            {
                response = await Context.Http.SendAsync(request, once: kind == CallKind.DestructiveAction, attemptToken);
            }
            catch (HttpRequestException e) when (OutboundRefusedException.Find(e) is { } refused)
            {
                value = default;
                return ProviderOutcome.Refused(OutcomeKind.NotAllowed, refused.Message);
            }

            if (response.Unreadable is not null || IsForeignErrorPage(response))
            {
                value = default;
                return HttpOutcomes.Unreadable(response);
            }

            (var mapped, value) = map(response);
            return mapped;
        }, cancellationToken, serverId);
        return (outcome, outcome.IsAccepted ? value : default);
    }

    protected async Task<ProviderOutcome> CallAsync(
        CallKind kind, ProviderRequest request, Func<ProviderResponse, ProviderOutcome> map, CancellationToken cancellationToken,
        string? serverId = null) =>
        (await CallAsync<object>(kind, request, response => (map(response), null), cancellationToken, serverId)).Outcome;

    /// <summary>
    /// Every provider documents JSON (or empty) error bodies: an error page that is not JSON came from something
    /// in between (a proxy, a wrong endpoint) and says nothing about the server, e.g. a 404 page is not "server
    /// not found". A 429 stays rate limiting whatever its body.
    /// </summary>
    private static bool IsForeignErrorPage(ProviderResponse response) =>
        !response.IsSuccess && response.StatusCode != 429
        && !string.IsNullOrWhiteSpace(response.Body) && JsonRead.Parse(response.Body) is null;

    protected static ReadResult ReadResultOf(ProviderOutcome outcome, ObservedServer? server) => (outcome.IsAccepted, server) switch
    {
        (true, { } observed) => ReadResult.Of(observed),
        (true, null) => ReadResult.Failed(new ProviderOutcome(OutcomeKind.Unavailable, "the provider's answer had no readable state")),
        _ => ReadResult.Failed(outcome),
    };
}
