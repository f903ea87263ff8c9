using Supervision.Storage.Protection;

namespace Supervision.Storage.Tests.Protection;

public class PersonalDataTests
{
    [Test]
    public void MaskJson_PersonalFieldNames_MaskedWhateverTheValue() =>
        Assert.That(PersonalData.MaskJson("""{"deviceId":"F-17","contactName":"Zhang San","contact_phone":"0591-8765432","idNumber":12345,"temperatureC":-14.5}"""),
            Is.EqualTo("""{"deviceId":"F-17","contactName":"Z********","contact_phone":"0********","idNumber":"1****","temperatureC":-14.5}"""));

    [Test]
    public void MaskJson_NestedReporter_Masked() =>
        Assert.That(PersonalData.MaskJson("""{"reporter":{"name":"Li Si","org":"FDA"},"items":[{"patientName":"Wang"}]}"""),
            Is.EqualTo("""{"reporter":{"name":"L****","org":"F**"},"items":[{"patientName":"W***"}]}"""));

    [Test]
    public void MaskText_MobileAndIdNumbersAnywhere_Masked() =>
        Assert.That(PersonalData.MaskText("device 13912345678 owner 11010519491231002X ok 1391234567 and 139123456789"),
            Is.EqualTo("device 139******** owner 110*************** ok 1391234567 and 139123456789"));

    [Test]
    public void MaskText_DigitsInsideAnIdentifier_Unchanged() =>
        Assert.That(PersonalData.MaskText("score al-0ce8decf30b11006@101234567890123456 of F-01-13912345678x"),
            Is.EqualTo("score al-0ce8decf30b11006@101234567890123456 of F-01-13912345678x"));

    [Test]
    public void MaskJson_NotJson_MaskedAsText() =>
        Assert.That(PersonalData.MaskJson("call 13912345678"), Is.EqualTo("call 139********"));

    [Test]
    public void MaskJson_NothingPersonal_Unchanged() =>
        Assert.That(PersonalData.MaskJson("""{"deviceId":"F-17","temperatureC":-14.5}"""), Is.EqualTo("""{"deviceId":"F-17","temperatureC":-14.5}"""));
}
