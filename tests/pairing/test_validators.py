"""Validators and masking for personal data (SECURITY.md 1, 14, 15): vectors and properties."""

import datetime
import sys
import unicodedata

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from pairing.models import User
from pairing.validators import (
    id_check_character,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
)


def error_code(func, value) -> str:
    with pytest.raises(ValidationError) as exc:
        func(value)
    return exc.value.code


def make_id(region: str, born: datetime.date, sequence: str) -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence}"
    return first17 + id_check_character(first17)


# -- resident ID numbers (GB 11643) -----------------------------------------------------------


class TestIdNumber:
    @pytest.mark.parametrize(
        "value",
        [
            "11010519491231002X",  # the standard's own example, check character X
            "440524198001010013",
            "341122199001011232",
            "510108200012298768",
        ],
    )
    def test_valid_numbers_pass_unchanged(self, value):
        assert normalize_id_number(value) == value

    def test_lowercase_x_is_accepted_and_normalised(self):
        assert normalize_id_number("11010519491231002x") == "11010519491231002X"

    def test_surrounding_spaces_are_ignored(self):
        assert normalize_id_number(" 11010519491231002X ") == "11010519491231002X"

    def test_wrong_check_character_is_refused(self):
        assert error_code(normalize_id_number, "110105194912310021") == "invalid_id_check"

    @pytest.mark.parametrize(
        "first17",
        [
            "11010519490230001",  # 30 February
            "11010519491301001",  # month 13
            "11010518991231001",  # before 1900
            "11010530000101001",  # in the future
        ],
    )
    def test_impossible_birth_dates_are_refused(self, first17):
        value = first17 + id_check_character(first17)
        assert error_code(normalize_id_number, value) == "invalid_id_date"

    @pytest.mark.parametrize(
        "value",
        [
            "11010519491231002",  # 17 characters
            "11010519491231002X1",  # 19 characters
            "1101051949123100XX",  # X before the last place
            "11010519491231002Y",
            "",
        ],
    )
    def test_wrong_shape_is_refused(self, value):
        assert error_code(normalize_id_number, value) == "invalid_id_format"

    @given(
        region=st.from_regex(r"\A[1-6][0-9]{5}\Z"),
        born=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()),
        sequence=st.from_regex(r"\A[0-9]{3}\Z"),
    )
    def test_every_well_formed_number_round_trips(self, region, born, sequence):
        value = make_id(region, born, sequence)
        assert normalize_id_number(value) == value
        assert normalize_id_number(value.lower()) == value

    @given(
        region=st.from_regex(r"\A[1-6][0-9]{5}\Z"),
        born=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()),
        sequence=st.from_regex(r"\A[0-9]{3}\Z"),
        wrong=st.sampled_from("0123456789X"),
    )
    def test_any_other_check_character_is_refused(self, region, born, sequence, wrong):
        value = make_id(region, born, sequence)
        if wrong == value[-1]:
            return
        assert error_code(normalize_id_number, value[:17] + wrong) == "invalid_id_check"

    @given(
        region=st.from_regex(r"\A[1-6][0-9]{5}\Z"),
        born=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()),
        sequence=st.from_regex(r"\A[0-9]{3}\Z"),
        position=st.integers(min_value=0, max_value=16),
        delta=st.integers(min_value=1, max_value=9),
    )
    def test_a_single_wrong_digit_never_passes(self, region, born, sequence, position, delta):
        # MOD 11-2 detects every single-digit error; a changed date digit may also make the date invalid.
        value = make_id(region, born, sequence)
        digit = str((int(value[position]) + delta) % 10)
        with pytest.raises(ValidationError):
            normalize_id_number(value[:position] + digit + value[position + 1 :])


# -- mainland mobile numbers ------------------------------------------------------------------


class TestPhone:
    @pytest.mark.parametrize(
        "value",
        [
            "13800138000",
            "+8613800138000",
            "+86 138 0013 8000",
            "0086 138-0013-8000",
            "138-0013-8000",
            "(138) 0013 8000",
            " 13800138000 ",
        ],
    )
    def test_accepted_spellings_normalise_to_eleven_digits(self, value):
        assert normalize_phone(value) == "13800138000"

    @pytest.mark.parametrize(
        "value",
        [
            "138001380001",  # 12 digits
            "1380013800",  # 10 digits
            "12800138000",  # 12x is not a mobile range
            "10800138000",
            "23800138000",
            "+85213800138000",  # Hong Kong prefix
            "138OO138OOO",  # letters O
            "",
            "010-12345678",  # a landline
        ],
    )
    def test_other_numbers_are_refused_with_a_chinese_message(self, value):
        with pytest.raises(ValidationError) as exc:
            normalize_phone(value)
        assert exc.value.code == "invalid_phone"
        assert "手机号码" in exc.value.messages[0]

    @given(
        number=st.from_regex(r"\A1[3-9][0-9]{9}\Z"),
        prefix=st.sampled_from(["", "+86", "0086", "+86 ", "0086-"]),
        separators=st.lists(st.sampled_from([" ", "-", ""]), min_size=10, max_size=10),
    )
    def test_any_mobile_with_any_separators_normalises_to_itself(self, number, prefix, separators):
        spelled = prefix + number[0] + "".join(sep + digit for sep, digit in zip(separators, number[1:], strict=True))
        assert normalize_phone(spelled) == number

    @given(number=st.from_regex(r"\A1[0-2]\d{9}\Z"))
    def test_numbers_in_the_1x_ranges_below_13_are_refused(self, number):
        with pytest.raises(ValidationError):
            normalize_phone(number)


# -- masking ----------------------------------------------------------------------------------


class TestMasking:
    def test_phone_mask(self):
        assert mask_phone("13800138000") == "138****8000"

    def test_id_mask_shows_only_the_last_four(self):
        assert mask_id_number("11010519491231002X") == "**************002X"

    def test_blank_values_stay_blank(self):
        assert mask_phone("") == ""
        assert mask_id_number("") == ""

    @given(number=st.from_regex(r"\A1[3-9]\d{9}\Z"))
    def test_a_masked_phone_hides_the_middle_four_digits(self, number):
        masked = mask_phone(number)
        assert len(masked) == 11
        assert masked[:3] == number[:3]
        assert masked[-4:] == number[-4:]
        assert masked[3:7] == "****"

    @given(value=st.from_regex(r"\A\d{17}[\dX]\Z"))
    def test_a_masked_id_number_shows_nothing_but_the_last_four(self, value):
        masked = mask_id_number(value)
        assert masked == "*" * 14 + value[-4:]


# -- passwords (the project's AUTH_PASSWORD_VALIDATORS) ---------------------------------------


def password_error_codes(password: str, user=None) -> set[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        return {error.code for error in exc.error_list}
    return set()


class TestPasswordRules:
    @pytest.mark.parametrize("password", ["Tr0ub4dor&3", "kxq7-vmzp-2wtn", "Qmxwzv!rkpt", "MXQW7ZVR-KPT"])
    def test_three_of_four_character_classes_pass(self, password):
        assert password_error_codes(password) == set()

    @pytest.mark.parametrize("password", ["kxqvmzpwtnrb", "kxqvmzpw7731", "KXQV-MZPW-TNRB", "82749136!!"])
    def test_two_classes_are_not_enough(self, password):
        assert "password_too_simple" in password_error_codes(password)

    def test_a_common_password_is_refused_even_with_three_classes(self):
        assert password_error_codes("Password1") == {"password_too_common"}

    def test_short_passwords_are_refused(self):
        assert "password_too_short" in password_error_codes("Ab1!xyz")

    @pytest.mark.django_db
    def test_a_password_like_the_username_is_refused(self):
        user = User(username="zhangwei2026", full_name="张伟")
        assert "password_too_similar" in password_error_codes("Zhangwei2026!", user=user)

    def test_a_64_character_passphrase_is_accepted(self):
        passphrase = "correct horse battery staple, 2026 in the village of jiayi, ok!!"
        assert len(passphrase) == 64
        assert password_error_codes(passphrase) == set()

    def test_messages_are_chinese(self):
        with pytest.raises(ValidationError) as exc:
            validate_password("kxqvmzpwtnrb")
        assert "至少三类" in " ".join(exc.value.messages)


# -- look-alike digits: every script's digits are one number ----------------------------------

# Every Unicode decimal digit (category Nd), by its value: ٣ (Arabic-Indic), ３ (full-width), ३ …
UNICODE_DIGITS: dict[int, list[str]] = {value: [] for value in range(10)}
for _code in range(sys.maxunicode + 1):
    _char = chr(_code)
    if unicodedata.category(_char) == "Nd":
        UNICODE_DIGITS[unicodedata.decimal(_char)].append(_char)


def spelled_in_any_script(ascii_number: str):
    """The same number with each digit drawn from any script's digits of that value."""
    return st.tuples(*(st.sampled_from(UNICODE_DIGITS[int(d)]) for d in ascii_number)).map("".join)


class TestLookAlikeDigits:
    def test_the_table_holds_every_script_not_only_ascii(self):
        assert all(len(chars) > 50 for chars in UNICODE_DIGITS.values())
        assert {"٣", "３", "३", "𝟑"} <= set(UNICODE_DIGITS[3])

    @pytest.mark.parametrize(
        "value",
        [
            "13８００１３８０００",
            "١٣٨٠٠١٣٨٠٠٠",
            "＋８６ １３８－００１３－８０００",
            "+86\u00a0138\u20130013\u20138000",
            "138\u200b00138000",
        ],
    )
    def test_full_width_and_other_scripts_normalise_to_ascii(self, value):
        assert normalize_phone(value) == "13800138000"

    @pytest.mark.parametrize("value", ["一三八〇〇一三八〇〇〇", "13800138ⅠⅠ0", "138001380０٠x"])
    def test_what_is_still_not_ascii_digits_is_refused(self, value):
        assert error_code(normalize_phone, value) == "invalid_phone"

    @given(data=st.data(), number=st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
    def test_any_unicode_spelling_of_a_mobile_normalises_to_its_ascii_digits(self, data, number):
        spelled = data.draw(spelled_in_any_script(number))
        assert normalize_phone(spelled) == number
        assert normalize_phone("+86 " + spelled) == number

    @given(text=st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=14))
    def test_any_string_of_unicode_digits_is_stored_as_ascii_or_refused(self, text):
        try:
            result = normalize_phone(text)
        except ValidationError:
            return
        assert result.isascii() and result.isdigit() and len(result) == 11

    @given(
        data=st.data(),
        region=st.from_regex(r"\A[1-6][0-9]{5}\Z"),
        born=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()),
        sequence=st.from_regex(r"\A[0-9]{3}\Z"),
    )
    def test_any_unicode_spelling_of_an_id_number_normalises_to_ascii(self, data, region, born, sequence):
        value = make_id(region, born, sequence)
        spelled = data.draw(spelled_in_any_script(value[:17])) + value[17].replace("X", "ｘ")
        assert normalize_id_number(spelled) == value

    @given(text=st.text(alphabet=st.characters(categories=["Nd"]), min_size=18, max_size=18))
    def test_any_eighteen_unicode_digits_are_ascii_or_refused(self, text):
        try:
            result = normalize_id_number(text)
        except ValidationError:
            return
        assert result.isascii() and len(result) == 18


# -- models: a bad number is reported once, at its field --------------------------------------


@pytest.mark.django_db
class TestModelsReportABadNumberOnce:
    """The field validators report a bad number; the models' clean() only stores good ones normalized
    (it used to raise the same error again, so a form showed it twice, or once more at the top)."""

    def errors(self, instance, exclude=()) -> dict[str, list[str]]:
        with pytest.raises(ValidationError) as exc:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        return exc.value.message_dict

    def test_a_talent_phone_and_id_number(self, cast):
        talent = cast.talent_t
        talent.phone, talent.id_number = "1380013800", "110105194912310021"
        errors = self.errors(talent)
        assert errors["phone"] == ["手机号码格式不正确：应为11位大陆手机号，以13-19开头。"]
        assert errors["id_number"] == ["身份证号码校验位不正确，请核对。"]

    def test_a_village_secretary_phone(self, cast):
        village = cast.village_a1
        village.secretary_phone = "1380013800"
        assert self.errors(village) == {"secretary_phone": ["手机号码格式不正确：应为11位大陆手机号，以13-19开头。"]}

    def test_an_honorary_head_phone(self, cast):
        head = cast.head_u_a1
        head.phone = "12800138000"
        assert self.errors(head) == {"phone": ["手机号码格式不正确：应为11位大陆手机号，以13-19开头。"]}

    def test_a_good_number_is_stored_normalized(self, cast):
        talent = cast.talent_t
        talent.id_number = "11010519491231002x"
        talent.full_clean(validate_unique=False, validate_constraints=False)
        assert talent.id_number == "11010519491231002X"

    def test_the_talent_form_shows_the_phone_error_once(self, cast):
        from pairing.forms.directory import UrbanTalentForm

        data = {"county": cast.county.pk, "name": "孙八", "gender": "male", "political_status": "member"}
        form = UrbanTalentForm(data={**data, "phone": "1380013800", "status": "active"}, user=cast.alice)
        assert form.errors["phone"] == ["手机号码格式不正确：应为11位大陆手机号，以13-19开头。"]
        assert "__all__" not in form.errors
