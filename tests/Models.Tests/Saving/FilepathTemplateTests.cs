using Pipeline.Models.Saving;

namespace Pipeline.Models.Tests.Saving;

public class FilepathTemplateTests
{
    static readonly Dictionary<string, object> Values = new() { ["epoch"] = 3, ["batch"] = 12, ["val_loss"] = 0.123456, ["loss"] = 1.0, ["accuracy"] = 0.98765 };

    [Theory]
    [InlineData("weights.{epoch:02d}-{val_loss:.2f}.keras", "weights.03-0.12.keras")]
    [InlineData("ckpt/{epoch}.weights.h5", "ckpt/3.weights.h5")]
    [InlineData("m-{epoch:03d}-{batch:04d}.keras", "m-003-0012.keras")]
    [InlineData("m-{loss}.keras", "m-1.0.keras")]
    [InlineData("m-{val_loss:.3e}.keras", "m-1.235e-01.keras")]
    [InlineData("m-{accuracy:.4f}.keras", "m-0.9877.keras")]
    [InlineData("{{literal}}-{epoch}.keras", "{literal}-3.keras")]
    [InlineData("model.keras", "model.keras")]
    public void Formats_like_Python_str_format(string template, string expected) =>
        Assert.Equal(expected, FilepathTemplate.Format(template, Values));

    [Fact]
    public void A_placeholder_without_a_value_names_it_and_lists_what_is_available()
    {
        var e = Assert.Throws<ArgumentException>(() => FilepathTemplate.Format("w.{val_acc:.2f}.keras", Values));
        Assert.Contains("val_acc", e.Message);
        Assert.Contains("val_loss", e.Message);
    }
}
