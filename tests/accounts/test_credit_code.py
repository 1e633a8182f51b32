"""统一社会信用代码 (GB 32100-2015): what an administrator sees when registering an enterprise."""
import pytest
from django.core.exceptions import ValidationError

from accounts.models import Enterprise
from accounts.validators import credit_code_check_char, validate_credit_code
from tests import factories

# The worked example of GB 32100-2015 itself.
STANDARD_EXAMPLE = "91350100M000100Y43"


def refusal(code: str) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    return excinfo.value


def test_the_standards_own_example_is_valid():
    validate_credit_code(STANDARD_EXAMPLE)
    assert credit_code_check_char(STANDARD_EXAMPLE[:17]) == "3"


@pytest.mark.parametrize("seq", [0, 1, 30, 31, 961, 123456, 31**9 - 1])
@pytest.mark.parametrize("region_code", ["430522", "430100", "110105"])
def test_codes_built_by_the_factory_are_valid(seq, region_code):
    code = factories.credit_code(seq, region_code)
    assert len(code) == 18
    validate_credit_code(code)


def test_wrong_check_digit_says_which_character_is_expected():
    error = refusal(STANDARD_EXAMPLE[:17] + "4")
    assert error.code == "credit_code_check_digit"
    assert "末位应为 3" in error.messages[0]
    assert "实际为 4" in error.messages[0]


def test_a_single_mistyped_character_is_caught_by_the_check_digit():
    # Typing 2 for 1 in the organisation part: the check digit no longer fits.
    mistyped = STANDARD_EXAMPLE[:9] + "2" + STANDARD_EXAMPLE[10:]
    assert refusal(mistyped).code == "credit_code_check_digit"


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_letters_the_standard_does_not_use_are_refused(letter):
    code = STANDARD_EXAMPLE[:10] + letter + STANDARD_EXAMPLE[11:]
    error = refusal(code)
    assert error.code == "credit_code_chars"
    assert letter in error.messages[0]


@pytest.mark.parametrize("code", [STANDARD_EXAMPLE[:17], STANDARD_EXAMPLE + "0", "", "91350100"])
def test_wrong_length_is_refused_with_the_length_found(code):
    error = refusal(code)
    assert error.code == "credit_code_length"
    assert f"当前为{len(code)}位" in error.messages[0]


def test_region_part_must_be_digits():
    first17 = "9135A100M000100Y4"
    error = refusal(first17 + credit_code_check_char(first17))
    assert error.code == "credit_code_region"


def test_lower_case_input_passes_validation():
    validate_credit_code(STANDARD_EXAMPLE.lower())


@pytest.mark.django_db
def test_enterprise_saves_a_lower_case_code_in_upper_case():
    enterprise = factories.EnterpriseFactory(credit_code=" " + STANDARD_EXAMPLE.lower())
    enterprise.refresh_from_db()
    assert enterprise.credit_code == STANDARD_EXAMPLE
    assert Enterprise.objects.filter(credit_code=STANDARD_EXAMPLE).exists()


@pytest.mark.django_db
def test_full_clean_reports_a_bad_code_on_the_credit_code_field():
    enterprise = factories.EnterpriseFactory.build(credit_code=STANDARD_EXAMPLE[:17] + "4")
    with pytest.raises(ValidationError) as excinfo:
        enterprise.full_clean()
    errors = excinfo.value.message_dict
    assert list(errors) == ["credit_code"]
    assert "末位应为 3" in errors["credit_code"][0]


@pytest.mark.django_db
def test_full_clean_accepts_a_valid_code():
    factories.EnterpriseFactory.build(credit_code=STANDARD_EXAMPLE).full_clean()


@pytest.mark.django_db
def test_duplicate_code_is_a_field_error():
    factories.EnterpriseFactory(credit_code=STANDARD_EXAMPLE)
    duplicate = factories.EnterpriseFactory.build(credit_code=STANDARD_EXAMPLE)
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "credit_code" in excinfo.value.message_dict


@pytest.mark.django_db
def test_duplicate_code_typed_in_lower_case_is_a_field_error_not_a_crash():
    factories.EnterpriseFactory(credit_code=STANDARD_EXAMPLE)
    duplicate = factories.EnterpriseFactory.build(credit_code=STANDARD_EXAMPLE.lower())
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "credit_code" in excinfo.value.message_dict
