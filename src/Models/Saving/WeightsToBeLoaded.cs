namespace Pipeline.Models.Saving;

/// <summary>
/// Marks the building of a model whose every weight a file sets right after (<c>LoadModel</c>): layers then leave new
/// weights uninitialized instead of drawing random values that would be overwritten at once, which for a large model is
/// the better part of a load. Safe because loading checks that the file covers every weight of the model and disposes
/// the model otherwise, so no uninitialized weight is ever handed out. Per thread, as model building is.
/// </summary>
internal static class WeightsToBeLoaded
{
    [ThreadStatic] static bool t_active;

    /// <summary>True while the current thread builds a model for <c>LoadModel</c>.</summary>
    public static bool Active => t_active;

    /// <summary>Starts such a build; disposing the result ends it (nesting keeps the outer state).</summary>
    public static Scope Begin()
    {
        var previous = t_active;
        t_active = true;
        return new Scope(previous);
    }

    /// <summary>Restores the state that was current before <see cref="Begin"/>.</summary>
    public readonly struct Scope(bool previous) : IDisposable
    {
        public void Dispose() => t_active = previous;
    }
}
