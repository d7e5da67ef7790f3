using System.Net.Http;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;
using ServerPower.Providers.Contract;

namespace ServerPower.Providers.Resilience;

/// <summary>
/// The resilience of one provider account, built on Polly v8 (outer to inner): retry (reads, start, stop only),
/// circuit breaker, token bucket, per-attempt timeout; plus a concurrency limit held for a whole action.
/// One pipeline serves every call kind so the breaker and the bucket are shared; the retry strategy reads the
/// kind from the resilience context. Microsoft.Extensions.Http.Resilience's handler is not used because its
/// decisions would see HTTP messages, not the action and the mapped outcome.
/// </summary>
/// <remarks>
/// Destructive calls are never retried, not even after a connection refused before sending: one code path,
/// and the reconciler simply tries again on its next pass when the outcome says the request did not arrive.
/// </remarks>
internal sealed class ProviderPipeline
{
    private static readonly ResiliencePropertyKey<bool> Retryable = new("serverpower.retryable");

    private readonly ResiliencePipeline<ProviderOutcome> pipeline;
    private readonly ConcurrencyLimiter actionSlots;
    private readonly ProviderOptions options;
    private readonly SecretRedactor redactor;
    private readonly ILogger logger;
    private readonly string accountKey;

    public ProviderPipeline(ProviderAccount account, ProviderOptions options, TimeProvider timeProvider, ILogger logger)
    {
        this.options = options;
        this.logger = logger;
        accountKey = account.Key;
        redactor = new SecretRedactor([account.Credential.Reveal()]);
        actionSlots = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, account.MaxConcurrentActions),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        pipeline = Build(account, timeProvider);
    }

    /// <summary>Runs one call: <paramref name="attempt"/> sends one request and maps its answer.</summary>
    public async Task<ProviderOutcome> ExecuteAsync(
        CallKind kind, Func<CancellationToken, Task<ProviderOutcome>> attempt, CancellationToken cancellationToken)
    {
        using var slot = kind == CallKind.Read ? null : await actionSlots.AcquireAsync(1, cancellationToken);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(Retryable, kind != CallKind.DestructiveAction);
        try
        {
            var outcome = await pipeline.ExecuteAsync(
                static async (ctx, call) => await call(ctx.CancellationToken), context, attempt);
            return Redacted(outcome);
        }
        catch (BrokenCircuitException)
        {
            return Failed(new ProviderOutcome(OutcomeKind.Unavailable, "circuit open: the provider failed repeatedly; not called"));
        }
        catch (RateLimiterRejectedException rejected)
        {
            return Failed(new ProviderOutcome(OutcomeKind.RateLimited, "rate limit of this provider account reached", rejected.RetryAfter));
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

    private ResiliencePipeline<ProviderOutcome> Build(ProviderAccount account, TimeProvider timeProvider)
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

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<ProviderOutcome>
        {
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = Math.Max(2, options.BreakerMinimumThroughput),
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakerBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
            OnOpened = _ =>
            {
                logger.LogWarning("{Account}: circuit opened after repeated failures", accountKey);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                logger.LogInformation("{Account}: circuit closed", accountKey);
                return ValueTask.CompletedTask;
            },
        });

        if (account.RateLimit is { } rate)
        {
            var bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, rate.Burst),
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1 / Math.Max(0.001, rate.RequestsPerSecond)),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
            builder.AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = args => bucket.AcquireAsync(1, args.Context.CancellationToken),
            });
        }

        builder.AddTimeout(options.RequestTimeout);
        return builder.Build();
    }

    private bool IsTransient(Outcome<ProviderOutcome> outcome) => outcome switch
    {
        { Exception: { } exception } => exception is TimeoutRejectedException || IsTransport(exception),
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
}
