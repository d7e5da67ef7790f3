using System.Globalization;
using System.Net.Http;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using ServerPower.Providers.Contract;
using ServerPower.RateLimiting;

namespace ServerPower.Providers.Resilience;

/// <summary>
/// The resilience of one provider account. Before anything: a wait the provider asked for with a 429 (the
/// <see cref="AccountThrottle"/>) and, for actions, a free action slot (<see cref="ActionSlots"/>). Then, on Polly
/// v8, retry (reads, start, stop only) around each attempt, and each attempt: the 429 wait again, the account's
/// <see cref="TokenBucket"/>, the circuit breaker, the per-attempt timeout. The 429 wait, the slots and the bucket
/// are the account key's <see cref="AccountLimits"/>, shared by every instance of the account, so they hold across
/// a change of the account and its current limits apply to calls of an older instance too. Nothing here ever
/// waits for capacity: no token, no slot or a running 429 wait answer at once RateLimited, NotSent, with how long
/// to wait. One pipeline serves every call kind so the breaker and the bucket are shared; the retry strategy
/// reads the kind from the resilience context. Microsoft.Extensions.Http.Resilience's handler is not used because
/// its decisions would see HTTP messages, not the action and the mapped outcome.
/// </summary>
/// <remarks>
/// Destructive calls are never retried, not even after a connection refused before sending: one code path,
/// and the reconciler simply tries again on its next pass when the outcome says the request did not arrive.
/// A refusal before sending (NotSent) is never retried here either: the caller requeues after RetryAfter.
/// </remarks>
internal sealed class ProviderPipeline
{
    private static readonly ResiliencePropertyKey<bool> Retryable = new("serverpower.retryable");

    private readonly ResiliencePipeline<ProviderOutcome> retry;
    private readonly ResiliencePipeline<ProviderOutcome> attempt;
    private readonly AccountLimits limits;
    private readonly AccountThrottle throttle;
    private readonly ProviderOptions options;
    private readonly SecretRedactor redactor;
    private readonly ILogger logger;
    private readonly string accountKey;
    private readonly Action<bool> circuitChanged;
    private volatile string lastFailure = "unknown";

    /// <param name="circuitChanged">Told true when the circuit opens and false when it closes (for the metrics).</param>
    public ProviderPipeline(ProviderAccount account, ProviderOptions options, AccountLimits limits, TimeProvider timeProvider, ILogger logger,
        Action<bool>? circuitChanged = null)
    {
        this.circuitChanged = circuitChanged ?? (_ => { });
        this.options = options;
        this.limits = limits;
        throttle = limits.Throttle;
        this.logger = logger;
        accountKey = account.Key;
        redactor = new SecretRedactor([account.Credential.Reveal()]);
        retry = BuildRetry(timeProvider);
        attempt = BuildAttempt(timeProvider);
    }

    /// <summary>
    /// How long until an action for <paramref name="serverId"/> could be sent (429 wait, action slot, its turn for the
    /// rate limit); null when at once. A server that must wait for the rate limit keeps its turn
    /// (<see cref="ActionPacer"/>) and comes back when it is due; one told to go gets the token reserved
    /// (<see cref="ActionReservations"/>), which its action request then uses.
    /// </summary>
    public TimeSpan? ActionWait(string serverId)
    {
        if (throttle.Remaining() is { } wait) return wait;
        if (limits.Slots.Full) return options.ActionSlotRetryAfter;
        return limits.TurnFor(serverId);
    }

    /// <summary>The rest of the wait the provider asked of this account with a 429; null when there is none.</summary>
    public TimeSpan? ThrottledFor() => throttle.Remaining();

    /// <summary>
    /// Runs one call: <paramref name="send"/> sends one request and maps its answer; it runs once per attempt. An action
    /// for <paramref name="serverId"/> first uses the token <see cref="ActionWait"/> reserved for that server.
    /// </summary>
    public async Task<ProviderOutcome> ExecuteAsync(
        CallKind kind, Func<CancellationToken, Task<ProviderOutcome>> send, CancellationToken cancellationToken, string? serverId = null)
    {
        if (throttle.Remaining() is { } wait)
        {
            return Waiting(wait);
        }

        using var slot = kind == CallKind.Read ? null : limits.Slots.TryTake();
        if (kind != CallKind.Read && slot is null)
        {
            return ProviderOutcome.Refused(
                OutcomeKind.RateLimited,
                $"all {limits.Slots.Limit} action slots of this account (spec.maxConcurrentActions) are in use; nothing was sent",
                options.ActionSlotRetryAfter) with { OwnLimit = true };
        }

        var call = new Call(this, send, kind == CallKind.Read ? null : serverId);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(Retryable, kind != CallKind.DestructiveAction);
        try
        {
            var outcome = await retry.ExecuteAsync(static (ctx, call) => call.Owner.AttemptAsync(call, ctx.CancellationToken), context, call);
            return Redacted(outcome with
            {
                NotSent = outcome.NotSent && !call.Sent,
                MayHaveReachedProvider = outcome.MayHaveReachedProvider && call.Sent,
            });
        }
        catch (BrokenCircuitException)
        {
            return Failed(new ProviderOutcome(OutcomeKind.Unavailable, CircuitOpenMessage(), NotSent: !call.Sent));
        }
        catch (TimeoutRejectedException)
        {
            return Failed(new ProviderOutcome(
                OutcomeKind.Unavailable, $"no answer within {options.RequestTimeout.TotalSeconds:0.###} s", MayHaveReachedProvider: true));
        }
        catch (Exception exception) when (IsTransport(exception) && !cancellationToken.IsCancellationRequested)
        {
            return Failed(new ProviderOutcome(OutcomeKind.Unavailable, exception.Message, MayHaveReachedProvider: MayHaveBeenSent(exception)));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>One attempt: the account may send (429 wait, token), then the breaker and timeout around the request.</summary>
    private async ValueTask<ProviderOutcome> AttemptAsync(Call call, CancellationToken cancellationToken)
    {
        // A wait this call's own 429 imposed has been waited out by the retry delay; a longer one came from elsewhere.
        if (throttle.Remaining() is { } wait && throttle.Until > call.WaitedUntil)
        {
            return Waiting(wait);
        }

        if (limits.Refusing(call.ServerId, out var next) is { } rate)
        {
            var perSecond = rate.Spec.RequestsPerSecond.ToString("0.######", CultureInfo.InvariantCulture);
            return ProviderOutcome.Refused(OutcomeKind.RateLimited,
                $"the account's own rate limit (spec.rateLimit {perSecond}/s) has no token now; nothing was sent", next) with { OwnLimit = true };
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var answered = await attempt.ExecuteAsync(
                static async (ctx, call) =>
                {
                    call.Sent = true;
                    return await call.Send(ctx.CancellationToken);
                },
                context,
                call);
            return Observe(answered, call);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>A 429 from the provider sets the account's wait (at least the floor); any other answer ends a run of 429s.</summary>
    private ProviderOutcome Observe(ProviderOutcome outcome, Call call)
    {
        if (outcome is not { Kind: OutcomeKind.RateLimited, NotSent: false })
        {
            throttle.Answered();
            return outcome;
        }

        var (wait, until) = throttle.TooManyRequests(outcome.RetryAfter);
        call.WaitedUntil = until;
        logger.LogInformation("{Account}: the provider answered 429; nothing is sent for {WaitMs} ms", accountKey, (long)wait.TotalMilliseconds);
        return outcome with { RetryAfter = wait };
    }

    private static ProviderOutcome Waiting(TimeSpan wait) => ProviderOutcome.Refused(
        OutcomeKind.RateLimited, "the provider asked this account to wait (429); nothing was sent", wait);

    /// <summary>
    /// Names the root cause where users look: the error that opened the circuit (a DNS failure, a refused connection),
    /// and the PowerProvider whose account it is.
    /// </summary>
    private string CircuitOpenMessage()
    {
        var slash = accountKey.IndexOf('/', StringComparison.Ordinal);
        var (ns, name) = slash < 0 ? ("", accountKey) : (accountKey[..slash], accountKey[(slash + 1)..]);
        return $"circuit open: the provider of PowerProvider \"{name}\" failed repeatedly (last error: {lastFailure}); not called. " +
            $"See kubectl describe powerprovider {name}{(ns.Length > 0 ? " -n " + ns : "")}";
    }

    private ProviderOutcome Failed(ProviderOutcome outcome)
    {
        var redacted = Redacted(outcome);
        logger.LogWarning(
            "{Account}: provider call failed: {Kind}: {Message}",
            accountKey, redacted.Kind, ProviderText.Bound(redacted.Message, options.MaxMessageLength));
        return redacted;
    }

    /// <summary>The token redacted; the cut to the message bound is the adapter's, after it redacted its own secrets.</summary>
    private ProviderOutcome Redacted(ProviderOutcome outcome) => outcome with { Message = redactor.Redact(outcome.Message) };

    private ResiliencePipeline<ProviderOutcome> BuildRetry(TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<ProviderOutcome> { TimeProvider = timeProvider };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<ProviderOutcome>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Context.Properties.GetValue(Retryable, false) && IsTransient(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
                OnRetry = args =>
                {
                    logger.LogInformation(
                        "{Account}: retrying after {DelayMs} ms (attempt {Attempt})",
                        accountKey, (long)args.RetryDelay.TotalMilliseconds, args.AttemptNumber + 2);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    private ResiliencePipeline<ProviderOutcome> BuildAttempt(TimeProvider timeProvider) =>
        new ResiliencePipelineBuilder<ProviderOutcome> { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<ProviderOutcome>
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = Math.Max(2, options.BreakerMinimumThroughput),
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
                OnOpened = args =>
                {
                    lastFailure = ProviderText.Bound(redactor.Redact(args.Outcome.Exception?.Message ?? args.Outcome.Result?.Message ?? "unknown"),
                        options.MaxMessageLength);
                    logger.LogWarning("{Account}: circuit opened after repeated failures; last error: {Error}", accountKey, lastFailure);
                    circuitChanged(true);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    logger.LogInformation("{Account}: circuit closed", accountKey);
                    circuitChanged(false);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(options.RequestTimeout)
            .Build();

    private bool IsTransient(Outcome<ProviderOutcome> outcome) => outcome switch
    {
        { Exception: { } exception } => exception is TimeoutRejectedException || IsTransport(exception),
        { Result.NotSent: true } => false,
        { Result: { Kind: OutcomeKind.Unavailable or OutcomeKind.RateLimited } result } =>
            result.RetryAfter is not { } delay || delay <= options.MaxRetryDelay,
        _ => false,
    };

    private static bool IsFailure(Outcome<ProviderOutcome> outcome) => outcome switch
    {
        { Exception: { } exception } => exception is TimeoutRejectedException || IsTransport(exception),
        { Result.Kind: OutcomeKind.Unavailable } => true,
        _ => false,
    };

    private static bool IsTransport(Exception exception) => exception is HttpRequestException or IOException;

    /// <summary>False only when the connection (or its TLS handshake, or the name lookup) failed before sending.</summary>
    private static bool MayHaveBeenSent(Exception exception) => exception is not HttpRequestException
    {
        HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError,
    };

    /// <summary>One call across its attempts.</summary>
    private sealed class Call(ProviderPipeline owner, Func<CancellationToken, Task<ProviderOutcome>> send, string? serverId)
    {
        public ProviderPipeline Owner { get; } = owner;

        public Func<CancellationToken, Task<ProviderOutcome>> Send { get; } = send;

        /// <summary>The server an action is for (its reserved token); null for a read.</summary>
        public string? ServerId { get; } = serverId;

        /// <summary>Whether any attempt got past the breaker to send its request.</summary>
        public bool Sent { get; set; }

        /// <summary>The end of the 429 wait this call's own last answer imposed.</summary>
        public DateTimeOffset WaitedUntil { get; set; } = DateTimeOffset.MinValue;
    }
}
