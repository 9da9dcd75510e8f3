namespace Pipeline;

/// <summary>
/// Facts about a step that the lint needs and cannot read from a delegate: pass them to <c>Map</c> (or set
/// them on your own source's <see cref="PlanStep"/>).
/// </summary>
[Flags]
public enum StepTraits
{
    /// <summary>Nothing known.</summary>
    None = 0,
    /// <summary>The step's output depends on randomness (augmentation, noise, shuffling): never cache after it.</summary>
    Random = 1,
    /// <summary>The step is costly per element (decoding, parsing, resizing): filter before it, not after.</summary>
    Expensive = 2,
}
