    IF p_units < 1 OR p_units > 10000 THEN
        RAISE EXCEPTION '${function}: p_units must be between 1 and 10000, got %', p_units USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- as RequestIds: 1 to 128 printable ASCII characters, no spaces
    IF p_request_id !~ '^[!-~]{1,128}$' THEN
        RAISE EXCEPTION '${function}: p_request_id must be 1 to 128 printable ASCII characters without spaces'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
