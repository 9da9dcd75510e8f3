namespace Pipeline.Models;

/// <summary>
/// Marks a field whose variables or modules must not be tracked by its <see cref="Module"/> or layer: a reference to
/// something owned elsewhere (a parent, a layer shared for reading), which would otherwise be counted, trained and
/// disposed as this module's own.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class NotTrackedAttribute : Attribute;
